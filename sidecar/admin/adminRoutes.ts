// The admin API: state, events, algorithm switch, drain/enable, reload. Token-checked by the caller (server.ts).
// Routes, methods and body guards come from core/admin/routes.ts, the table the extension's client uses too.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ADMIN_ROUTES,
  type AdminApi,
  type AdminRouteName,
  acceptsMethod,
  matchAdminRoute,
  type ParamsOf,
} from '../../core/admin/routes';
import type { AlgorithmId, ReloadResult, StateSnapshot } from '../../core/protocol';
import { validate } from '../../core/schema';
import { sendError } from '../proxy/openaiError';
import { readBody } from '../proxy/readBody';
import type { EventHub } from './eventStream';

export interface AdminControl {
  snapshot(): StateSnapshot;
  events: EventHub;
  /** False when the named pool does not exist. */
  setAlgorithm(algorithm: AlgorithmId, pool?: string): boolean;
  /** 'no-pool' | 'no-replica' when not found. */
  setDraining(pool: string, replica: string, draining: boolean): 'ok' | 'no-pool' | 'no-replica';
  reload(): Promise<ReloadResult>;
}

const ADMIN_BODY_LIMIT = 64 * 1024;

/** A route's answer: its typed result with a status, an error, or 'streamed' (the handler owns the response). */
type Reply<K extends AdminRouteName> =
  | { status: number; body: AdminApi[K]['result'] }
  | { error: number; message: string }
  | 'streamed';

type Handlers = {
  [K in AdminRouteName]: (
    control: AdminControl,
    input: { params: ParamsOf<K>; body: AdminApi[K]['body'] },
    res: ServerResponse,
  ) => Reply<K> | Promise<Reply<K>>;
};

const HANDLERS: Handlers = {
  state: (control) => ({ status: 200, body: control.snapshot() }),
  events: (control, _input, res) => {
    control.events.attach(res);
    return 'streamed';
  },
  setAlgorithm: (control, { body: { algorithm, pool } }) => {
    if (!control.setAlgorithm(algorithm, pool)) return { error: 404, message: `no pool named "${pool}"` };
    return { status: 200, body: { ok: true, algorithm, pool: pool ?? null } };
  },
  drain: (control, { params }) => replicaAction(control, params, true),
  enable: (control, { params }) => replicaAction(control, params, false),
  reload: async (control) => {
    const result = await control.reload();
    return { status: result.ok ? 200 : 400, body: result };
  },
};

function replicaAction(control: AdminControl, { pool, replica }: ParamsOf<'drain'>, draining: boolean): Reply<'drain'> {
  const result = control.setDraining(pool, replica, draining);
  if (result === 'no-pool') return { error: 404, message: `no pool named "${pool}"` };
  if (result === 'no-replica') return { error: 404, message: `no replica named "${replica}" in pool "${pool}"` };
  return { status: 200, body: { ok: true, pool, replica, state: draining ? 'draining' : 'enabled' } };
}

export async function handleAdmin(
  control: AdminControl,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const match = matchAdminRoute(path);
  if (match.kind === 'malformed') return sendError(res, 400, 'malformed percent-encoding in the path');
  if (match.kind === 'not-found') return sendError(res, 404, `no admin endpoint ${path}`);
  const route = ADMIN_ROUTES[match.name];
  if (!acceptsMethod(route, req.method ?? 'GET')) {
    return sendError(res, 405, `method not allowed; use ${route.method}`, { allow: route.method });
  }
  let body: unknown;
  if (route.body) {
    const json = await readJson(req, res);
    if (json === undefined) return;
    const checked = validate(route.body, json, 'body');
    if (!checked.ok) return sendError(res, 400, checked.reason);
    body = checked.value;
  }
  const handler = HANDLERS[match.name] as Handlers[AdminRouteName];
  const reply = await handler(control, { params: match.params, body } as never, res);
  if (reply === 'streamed') return;
  if ('error' in reply) return sendError(res, reply.error, reply.message);
  sendJson(res, reply.status, reply.body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
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
