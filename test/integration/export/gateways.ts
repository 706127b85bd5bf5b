// Real nginx, HAProxy and Caddy as child processes on a free loopback port, each with its own temp dir for pid,
// logs and state; stopped (by their own pid) at the end. A missing binary fails the test with a clear message.
// Starting and stopping them is shared with the benchmark (bench/gatewayProcess.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type GatewayBinary,
  gatewayInstalled,
  nginxMainConfig,
  spawnGateway,
  waitUntilGatewayReady,
} from '../../../bench/gatewayProcess';

export { freePort } from '../../../bench/freePort';

export type GatewayKind = GatewayBinary;

/** Fails loudly (no silent skip) when the gateway binary is not installed. */
export function requireBinary(kind: GatewayKind): void {
  if (!gatewayInstalled(kind)) {
    throw new Error(
      `${kind} is not installed: these tests run the exported config in a real ${kind}. ` +
        `Install it with \`apt-get install -y ${kind}\` (.ci/run does).`,
    );
  }
}

export interface CheckResult {
  ok: boolean;
  output: string;
}

export interface RunningGateway {
  kind: GatewayKind;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/** Writes the exported text where the gateway expects it and wraps it when the export is a snippet (nginx). */
export function prepareGateway(kind: GatewayKind, exported: string, dir: string): { file: string } {
  mkdirSync(dir, { recursive: true });
  if (kind === 'nginx') {
    const snippet = join(dir, 'vllm-pools.conf');
    writeFileSync(snippet, exported);
    const file = join(dir, 'nginx.conf');
    writeFileSync(file, nginxMainConfig(dir, snippet, { workerConnections: 256, errorLogLevel: 'info' }));
    return { file };
  }
  const file = join(dir, kind === 'haproxy' ? 'haproxy.cfg' : 'Caddyfile');
  writeFileSync(file, exported);
  return { file };
}

function gatewayEnv(dir: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, ...extra };
}

/** `nginx -t`, `haproxy -c`, `caddy validate` on a prepared file. */
export function checkGateway(kind: GatewayKind, file: string, dir: string, env: NodeJS.ProcessEnv = {}): CheckResult {
  const args: Record<GatewayKind, string[]> = {
    nginx: ['-t', '-c', file, '-p', dir, '-e', join(dir, 'check.log')],
    haproxy: ['-c', '-f', file],
    caddy: ['validate', '--config', file, '--adapter', 'caddyfile'],
  };
  const result = spawnSync(kind, args[kind], {
    encoding: 'utf8',
    env: gatewayEnv(dir, env),
    cwd: dir,
    timeout: 30_000,
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** Starts the gateway in the foreground and waits until `ready()` says so (bounded by a deadline). */
export async function startGateway(
  kind: GatewayKind,
  file: string,
  dir: string,
  port: number,
  ready: () => Promise<boolean>,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningGateway> {
  const gateway = spawnGateway(kind, file, dir, { env: gatewayEnv(dir, env), keepOutput: 20_000 });
  if (await waitUntilGatewayReady(gateway, ready)) return { kind, port, output: gateway.output, stop: gateway.stop };
  await gateway.stop();
  throw new Error(`${kind} did not become ready on port ${port}:\n${gateway.output()}`);
}
