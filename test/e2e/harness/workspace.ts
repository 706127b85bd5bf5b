// The folder the person opens: a vllm-pools.yaml for the simulated replicas and the extension's settings.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const POOL_NAME = 'sim-pool';

export interface WorkspaceOptions {
  replicaUrls: string[];
  sidecarPort: number;
}

export function replicaName(index: number): string {
  return `sim-${index}`;
}

export function writeWorkspace(folder: string, { replicaUrls, sidecarPort }: WorkspaceOptions): string {
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  const replicas = replicaUrls.map((url, i) => `      - url: ${url}\n        name: ${replicaName(i)}`).join('\n');
  const yaml = `# vLLM Pools end-to-end workspace: simulated replicas on loopback
listen: { host: 127.0.0.1, port: ${sidecarPort} }
algorithm: least-connections
pools:
  - name: ${POOL_NAME}
    replicas:
${replicas}
    healthCheck: { path: /health, interval: 500ms, timeout: 1s, rise: 1, fall: 2 }
    maxFails: 2
    failTimeout: 5s
engineMetrics: { interval: 1s }
shutdownGrace: 2s
`;
  const configPath = join(folder, 'vllm-pools.yaml');
  writeFileSync(configPath, yaml);
  writeFileSync(
    join(folder, '.vscode', 'settings.json'),
    `${JSON.stringify({ 'vllmPools.port': sidecarPort }, null, 2)}\n`,
  );
  return configPath;
}

/** User settings of the fresh profile: a quiet workbench, so screenshots show the extension. */
export function writeUserSettings(userDataDir: string): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'chat.commandCenter.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
  };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

export function readConfig(path: string): string {
  return readFileSync(path, 'utf8');
}
