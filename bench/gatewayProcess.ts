// nginx, HAProxy and Caddy run in the foreground from an exported config, each in its own temporary folder (pid,
// logs, temp files): used by the benchmark and by the export's live tests.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export type GatewayBinary = 'nginx' | 'haproxy' | 'caddy';

export function gatewayInstalled(kind: GatewayBinary): boolean {
  return spawnSync('sh', ['-c', `command -v ${kind}`]).status === 0;
}

export interface NginxSizing {
  workerConnections: number;
  /** worker_rlimit_nofile, when the default open-file limit is too low for the connections. */
  openFiles?: number;
  errorLogLevel: 'info' | 'warn';
}

/** nginx's main file around an exported http {} snippet: foreground, one worker, everything under `dir`. */
export function nginxMainConfig(dir: string, snippet: string, sizing: NginxSizing): string {
  const at = (name: string) => join(dir, name);
  return [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    ...(sizing.openFiles ? [`worker_rlimit_nofile ${sizing.openFiles};`] : []),
    ...(process.getuid?.() === 0 ? ['user root root;'] : []),
    `pid ${at('nginx.pid')};`,
    `error_log ${at('error.log')} ${sizing.errorLogLevel};`,
    `events { worker_connections ${sizing.workerConnections}; }`,
    'http {',
    `    access_log ${at('access.log')};`,
    `    client_body_temp_path ${at('client_body')};`,
    `    proxy_temp_path ${at('proxy')};`,
    `    fastcgi_temp_path ${at('fastcgi')};`,
    `    uwsgi_temp_path ${at('uwsgi')};`,
    `    scgi_temp_path ${at('scgi')};`,
    `    include ${snippet};`,
    '}',
    '',
  ].join('\n');
}

/** The command line that runs `file` (nginx: the main file) in the foreground. */
export function gatewayRunArgs(kind: GatewayBinary, file: string, dir: string): string[] {
  switch (kind) {
    case 'nginx':
      return ['-c', file, '-p', dir, '-e', join(dir, 'error.log')];
    case 'haproxy':
      return ['-f', file, '-db'];
    case 'caddy':
      return ['run', '--config', file, '--adapter', 'caddyfile'];
  }
}

export interface GatewayProcess {
  child: ChildProcess;
  /** The last `keepOutput` characters the gateway wrote to stdout and stderr. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface SpawnGatewayOptions {
  /** The whole environment of the gateway (it inherits nothing else). */
  env: NodeJS.ProcessEnv;
  keepOutput: number;
}

export function spawnGateway(
  kind: GatewayBinary,
  file: string,
  dir: string,
  { env, keepOutput }: SpawnGatewayOptions,
): GatewayProcess {
  const child = spawn(kind, gatewayRunArgs(kind, file, dir), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-keepOutput);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  return { child, output: () => output, stop };
}

/**
 * Polls `ready` every 100 ms until it says yes (true), the gateway exits or `timeoutMs` passes (false: the caller
 * stops the gateway and reports its output).
 */
export async function waitUntilGatewayReady(
  gateway: GatewayProcess,
  ready: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && gateway.child.exitCode === null) {
    if (await ready().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
