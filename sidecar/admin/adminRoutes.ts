// The admin API: state, events, algorithm switch, drain/enable, reload. Token-checked by the caller (server.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ALGORITHM_IDS, isAlgorithmId, type ReloadResult, type StateSnapshot } from '../../core/protocol';
import { sendError } from '../proxy/openaiError';
import { readBody } from '../proxy/readBody';
import type { EventHub } from './eventStream';

export interface AdminControl {
  snapshot(): StateSnapshot;
  events: EventHub;
  /** False when the named pool does not exist. */
  setAlgorithm(algorithm: (typeof ALGORITHM_IDS)[number], pool?: string): boolean;
  /** 'no-pool' | 'no-replica' when not found. */
  setDraining(pool: string, replica: string, draining: boolean): 'ok' | 'no-pool' | 'no-replica';
  reload(): Promise<ReloadResult>;
}

const ADMIN_BODY_LIMIT = 64 * 1024;

export async function handleAdmin(
  control: AdminControl,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/admin/state') {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    return sendJson(res, 200, control.snapshot());
  }
  if (path === '/admin/events') {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    control.events.attach(res);
    return;
  }
  if (path === '/admin/algorithm') {
    if (method !== 'PUT' && method !== 'POST') return methodNotAllowed(res, 'PUT');
    const body = await readJson(req, res);
    if (body === undefined) return;
    const { algorithm, pool } = body as { algorithm?: unknown; pool?: unknown };
    if (!isAlgorithmId(algorithm)) {
      return sendError(
        res,
        400,
        `unknown algorithm ${JSON.stringify(algorithm)}; use one of ${ALGORITHM_IDS.join(', ')}`,
      );
    }
    if (pool !== undefined && typeof pool !== 'string') return sendError(res, 400, '"pool" must be a string');
    if (!control.setAlgorithm(algorithm, pool)) return sendError(res, 404, `no pool named "${pool}"`);
    return sendJson(res, 200, { ok: true, algorithm, pool: pool ?? null });
  }
  const replicaAction = /^\/admin\/replicas\/([^/]+)\/([^/]+)\/(drain|enable)$/.exec(path);
  if (replicaAction) {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    const pool = decodeSegment(replicaAction[1]!);
    const replica = decodeSegment(replicaAction[2]!);
    if (pool === undefined || replica === undefined)
      return sendError(res, 400, 'malformed percent-encoding in the path');
    const result = control.setDraining(pool, replica, replicaAction[3] === 'drain');
    if (result === 'no-pool') return sendError(res, 404, `no pool named "${pool}"`);
    if (result === 'no-replica') return sendError(res, 404, `no replica named "${replica}" in pool "${pool}"`);
    return sendJson(res, 200, {
      ok: true,
      pool,
      replica,
      state: replicaAction[3] === 'drain' ? 'draining' : 'enabled',
    });
  }
  if (path === '/admin/reload') {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    const result = await control.reload();
    return sendJson(res, result.ok ? 200 : 400, result);
  }
  sendError(res, 404, `no admin endpoint ${path}`);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A path segment, percent-decoded; undefined when its encoding is malformed (decodeURIComponent throws). */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendError(res, 405, `method not allowed; use ${allow}`, { allow });
}

async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const result = await readBody(req, ADMIN_BODY_LIMIT);
  if (!result.ok) {
    if (result.reason === 'too-large') sendError(res, 413, 'request body too large', { connection: 'close' });
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(result.body.toString('utf8') || '{}');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      sendError(res, 400, 'the body must be a JSON object');
      return undefined;
    }
    return value;
  } catch {
    sendError(res, 400, 'malformed JSON body');
    return undefined;
  }
}
