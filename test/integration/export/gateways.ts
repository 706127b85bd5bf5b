// Real nginx, HAProxy and Caddy as child processes on a free loopback port, each with its own temp dir for pid,
// logs and state; stopped (by their own pid) at the end. A missing binary fails the test with a clear message.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export type GatewayKind = 'nginx' | 'haproxy' | 'caddy';

const BINARIES: Record<GatewayKind, string> = { nginx: 'nginx', haproxy: 'haproxy', caddy: 'caddy' };

/** Fails loudly (no silent skip) when the gateway binary is not installed. */
export function requireBinary(kind: GatewayKind): void {
  const found = spawnSync('sh', ['-c', `command -v ${BINARIES[kind]}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(
      `${kind} is not installed: these tests run the exported config in a real ${kind}. ` +
        `Install it with \`apt-get install -y ${BINARIES[kind]}\` (.ci/run does).`,
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
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
    const temp = (name: string) => join(dir, name);
    const main = [
      'daemon off;',
      'master_process on;',
      'worker_processes 1;',
      ...(process.getuid?.() === 0 ? ['user root root;'] : []),
      `pid ${temp('nginx.pid')};`,
      `error_log ${temp('error.log')} info;`,
      'events { worker_connections 256; }',
      'http {',
      `    access_log ${temp('access.log')};`,
      `    client_body_temp_path ${temp('client_body')};`,
      `    proxy_temp_path ${temp('proxy')};`,
      `    fastcgi_temp_path ${temp('fastcgi')};`,
      `    uwsgi_temp_path ${temp('uwsgi')};`,
      `    scgi_temp_path ${temp('scgi')};`,
      `    include ${snippet};`,
      '}',
      '',
    ].join('\n');
    const file = join(dir, 'nginx.conf');
    writeFileSync(file, main);
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
  const result = spawnSync(BINARIES[kind], args[kind], {
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
  const args: Record<GatewayKind, string[]> = {
    nginx: ['-c', file, '-p', dir, '-e', join(dir, 'error.log')],
    haproxy: ['-f', file, '-db'],
    caddy: ['run', '--config', file, '--adapter', 'caddyfile'],
  };
  const child: ChildProcess = spawn(BINARIES[kind], args[kind], {
    env: gatewayEnv(dir, env),
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
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
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await ready().catch(() => false)) return { kind, port, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${kind} did not become ready on port ${port}:\n${output}`);
}
