// nginx and HAProxy from the Debian packages, run in the foreground on loopback with the config the export module
// writes for the same fleet (what a user of `vllm-pools export` would deploy). One worker process / thread each,
// so they compare with the single-threaded sidecar on the same footing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../core/config/types';
import { renderExport } from '../core/export/exportConfig';
import { planExport } from '../core/export/plan';
import { trackChild } from './childProcess';
import { freePort } from './freePort';
import { nginxMainConfig, spawnGateway, waitUntilGatewayReady } from './gatewayProcess';

export type GatewayKind = 'nginx' | 'haproxy';

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
  let file: string;
  if (kind === 'nginx') {
    const snippet = join(dir, 'vllm-pools.conf');
    writeFileSync(snippet, exported);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    file = join(dir, 'nginx.conf');
    // Room for 1,000+ streams.
    writeFileSync(
      file,
      nginxMainConfig(dir, snippet, { workerConnections: 8192, openFiles: 16384, errorLogLevel: 'warn' }),
    );
  } else {
    file = join(dir, 'haproxy.cfg');
    writeFileSync(file, haproxyTuned(exported, options.haproxyNoDelay ?? true));
  }
  const gateway = spawnGateway(kind, file, dir, { env: { PATH: process.env.PATH, HOME: dir }, keepOutput: 4000 });
  trackChild(gateway.child);
  const stop = async () => {
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  if (await waitUntilGatewayReady(gateway, () => isListening(port))) {
    return { kind, url, pid: gateway.child.pid ?? 0, exported, stop };
  }
  await stop();
  throw new Error(`${kind} did not start on port ${port}:\n${gateway.output()}`);
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
