// Starts simulated replicas and a sidecar on a config file written to a temp dir (so reload can re-read it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../../core/config/load';
import { formatIssue } from '../../../core/config/types';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger } from './testConfig';

export interface SimSetup {
  fleet: SimFleet;
  sidecar: RunningSidecar;
  configPath: string;
  lines: string[];
  env: NodeJS.ProcessEnv;
  writeConfig(yaml: string): void;
  close(): Promise<void>;
}

export const SIM_KEY = 'sk-sim-secret-7f3a9c';
export const ADMIN_TOKEN = 'admin-token-5d2e8b';

export function poolYaml(urls: string[], extra = ''): string {
  return `algorithm: least-connections
engineMetrics: { interval: 200ms }
shutdownGrace: 2s
pools:
  - name: main
    healthCheck: { interval: 200ms, timeout: 2s, rise: 1, fall: 3 }
    timeouts: { connect: 1s, firstByte: 5s, idle: 5s }
    replicas:
${urls.map((url, i) => `      - { url: "${url}", name: sim-${i}, apiKey: "\${env:SIM_KEY}" }`).join('\n')}
${extra}`;
}

export async function startSimSetup(replicas = 3, timeScale = 1): Promise<SimSetup> {
  const fleet = await startSimFleet({ replicas, profile: 'fast', timeScale, seed: 1, apiKey: SIM_KEY });
  const dir = mkdtempSync(join(tmpdir(), 'vllm-pools-test-'));
  const configPath = join(dir, 'vllm-pools.yaml');
  const env = { SIM_KEY, VLLM_POOLS_ADMIN_TOKEN: ADMIN_TOKEN };
  const writeConfig = (yaml: string) => writeFileSync(configPath, yaml);
  writeConfig(poolYaml(fleet.urls));
  const loaded = loadConfigFile(configPath, env);
  if (!loaded.config) throw new Error(loaded.issues.map(formatIssue).join('\n'));
  const { logger, lines } = memoryLogger();
  const sidecar = await startSidecar({ config: loaded.config, configPath, port: 0, logger, env });
  return {
    fleet,
    sidecar,
    configPath,
    lines,
    env,
    writeConfig,
    close: async () => {
      await sidecar.close(1000);
      await fleet.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
