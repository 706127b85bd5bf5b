// POST /v1/load_lora_adapter and /v1/unload_lora_adapter through the sidecar. vLLM loads an adapter on one server;
// a pool is several. The body is vLLM's ({lora_name, lora_path, ...}) plus an optional `replicas`: the names of the
// pool's replicas to send it to (default: every replica of the pool). The answer lists each replica's result, and
// the replicas' model lists are re-read at once so the next request for the adapter finds it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fleet } from '../pool/fleet';
import type { PoolRuntime } from '../pool/pool';
import type { Replica } from '../pool/replica';
import { sendError } from './openaiError';
import { POOL_HEADER } from './proxyRoute';
import { readBody } from './readBody';
import type { Route } from './routes';

export const ADAPTER_PATHS: ReadonlySet<string> = new Set(['/v1/load_lora_adapter', '/v1/unload_lora_adapter']);

const TIMEOUT_MS = 60_000;

export interface AdapterResult {
  replica: string;
  status: number;
  /** The replica's answer text (vLLM answers plain text on success, an error object otherwise). */
  message: string;
}

export async function adapterRoute(
  fleet: Fleet,
  maxBodyBytes: number,
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 405, `${route.upstreamPath} takes POST`, { allow: 'POST' });
  const read = await readBody(req, maxBodyBytes);
  if (!read.ok) {
    if (read.reason === 'too-large') sendError(res, 413, `request body over the limit of ${maxBodyBytes} bytes`);
    return;
  }
  let body: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(read.body.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    body = value as Record<string, unknown>;
  } catch {
    return sendError(res, 400, 'malformed JSON body: expected a JSON object such as {"lora_name": "...", ...}');
  }
  if (typeof body['lora_name'] !== 'string' || body['lora_name'] === '') {
    return sendError(res, 400, '`lora_name` is required: the adapter to load or unload');
  }
  const pool = poolOf(fleet, route, req);
  if (!pool) {
    const names = fleet.pools.map((candidate) => candidate.name).join(', ');
    return sendError(res, 404, `no such pool; pools: ${names || '(none)'}`, {}, 'NotFoundError');
  }
  const targets = targetsOf(pool, body['replicas']);
  if (typeof targets === 'string') return sendError(res, 400, targets);
  const { replicas: _named, ...upstreamBody } = body;
  const payload = JSON.stringify(upstreamBody);
  const results = await Promise.all(targets.map((replica) => send(replica, route.upstreamPath, payload)));
  await fleet.refreshModels(targets);
  const ok = results.every((result) => result.status >= 200 && result.status < 300);
  const status = ok
    ? 200
    : results.some((result) => result.status >= 200 && result.status < 300)
      ? 207
      : failedStatus(results);
  const text = JSON.stringify({ pool: pool.name, ok, results });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Every replica refused: their own status when they all answered 4xx (a bad request stays a 4xx), else 502. */
function failedStatus(results: readonly AdapterResult[]): number {
  const first = results[0]?.status ?? 502;
  return results.every((result) => result.status >= 400 && result.status < 500) ? first : 502;
}

function poolOf(fleet: Fleet, route: Route, req: IncomingMessage): PoolRuntime | undefined {
  if (route.pool !== undefined) return fleet.pool(route.pool);
  const named = req.headers[POOL_HEADER];
  if (typeof named === 'string' && named !== '') return fleet.pool(named);
  return fleet.poolFor(undefined);
}

/** The replicas named in `replicas` (all must be the pool's), else every active replica of the pool. */
function targetsOf(pool: PoolRuntime, named: unknown): Replica[] | string {
  const active = pool.active();
  if (named === undefined) return active;
  if (!Array.isArray(named) || named.length === 0 || !named.every((name) => typeof name === 'string')) {
    return '`replicas` must be a non-empty list of replica names';
  }
  const unknown = named.filter((name) => !active.some((replica) => replica.name === name));
  if (unknown.length > 0) {
    // Names the client sent are echoed, a few and shortened, so a hostile list cannot make a huge answer.
    const shown = unknown.slice(0, 5).map((name) => (name.length > 80 ? `${name.slice(0, 80)}...` : name));
    const more = unknown.length > shown.length ? ` and ${unknown.length - shown.length} more` : '';
    return `no replica ${shown.join(', ')}${more} in pool "${pool.name}"; its replicas: ${active.map((r) => r.name).join(', ')}`;
  }
  return active.filter((replica) => named.includes(replica.name));
}

async function send(replica: Replica, path: string, payload: string): Promise<AdapterResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const authorization = replica.authorization();
  if (authorization) headers['authorization'] = authorization;
  try {
    const response = await replica.dispatcher.request({
      path: replica.basePath + path,
      method: 'POST',
      headers,
      body: payload,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    const text = await response.body.text();
    return { replica: replica.name, status: response.statusCode, message: text.slice(0, 2000) };
  } catch (error) {
    return { replica: replica.name, status: 502, message: error instanceof Error ? error.message : String(error) };
  }
}
