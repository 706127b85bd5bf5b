// nginx and HAProxy from the Debian packages, run in the foreground on loopback with the config the export module
// writes for the same fleet (what a user of `vllm-pools export` would deploy). One worker process / thread each,
// so they compare with the single-threaded sidecar on the same footing.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../sidecar/config/types';
import { renderExport } from '../sidecar/export/exportConfig';
import { planExport } from '../sidecar/export/plan';
import { trackChild } from './childProcess';

export type GatewayKind = 'nginx' | 'haproxy';

export function gatewayInstalled(kind: GatewayKind): boolean {
  return spawnSync('sh', ['-c', `command -v ${kind}`]).status === 0;
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

/** nginx's main file around the exported http {} snippet: foreground, one worker, room for 1,000+ streams. */
function nginxMain(dir: string, snippet: string): string {
  const at = (name: string) => join(dir, name);
  return [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    'worker_rlimit_nofile 16384;',
    ...(process.getuid?.() === 0 ? ['user root root;'] : []),
    `pid ${at('nginx.pid')};`,
    `error_log ${at('error.log')} warn;`,
    'events { worker_connections 8192; }',
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

/**
 * The exported haproxy.cfg with one thread, a connection limit above the 1,000-stream test, and (when the export
 * lacks it) `option http-no-delay`: without it HAProxy sends with MSG_MORE and small SSE events wait in the kernel for
 * tens of milliseconds (its documented default for bulk HTTP), which no one streaming tokens wants.
 */
export function haproxyTuned(exported: string, noDelay = true): string {
  let text = exported.replace(/^global\n/m, 'global\n    nbthread 1\n').replace(/^(\s*)maxconn \d+/m, '$1maxconn 8192');
  if (noDelay && !/option http-no-delay/.test(text))
    text = text.replace(/^defaults\n/m, 'defaults\n    option http-no-delay\n');
  return text;
}

export interface RunningGateway {
  kind: GatewayKind;
  url: string;
  pid: number;
  /** The exported configuration as deployed. */
  exported: string;
  stop(): Promise<void>;
}

export async function startGateway(
  kind: GatewayKind,
  config: Config,
  options: { haproxyNoDelay?: boolean } = {},
): Promise<RunningGateway> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `vllm-pools-bench-${kind}-`));
  const exported = renderExport(planExport(config, { listen: { host: '127.0.0.1', port } }), kind);
  let args: string[];
  if (kind === 'nginx') {
    const snippet = join(dir, 'vllm-pools.conf');
    writeFileSync(snippet, exported);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(join(dir, 'nginx.conf'), nginxMain(dir, snippet));
    args = ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'error.log')];
  } else {
    writeFileSync(join(dir, 'haproxy.cfg'), haproxyTuned(exported, options.haproxyNoDelay ?? true));
    args = ['-f', join(dir, 'haproxy.cfg'), '-db'];
  }
  const child: ChildProcess = spawn(kind, args, {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
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
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await isListening(port)) return { kind, url, pid: child.pid ?? 0, exported, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${kind} did not start on port ${port}:\n${output}`);
}

async function isListening(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v1/models`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}
