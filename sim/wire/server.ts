// The routes of one simulated `vllm serve` (reference vllm.md §1.1), plus /sim/fault and /sim/stats for tests.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Fault, parseFault } from '../faults';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../metrics';
import { handleChat } from './chat';
import { handleCompletions } from './completions';
import type { ServeContext } from './context';
import { handleEmbeddings } from './embeddings';
import { badRequest, unknownModel, type WireError, wireError } from './errors';
import { readBody, sendAnthropicError, sendError, sendJson, sendText } from './http';
import { handleLoraRoute } from './lora';
import { handleCountTokens, handleMessages } from './messages';
import { modelList } from './models';
import { handleResponses, handleStoredResponse } from './responses';
import { handleDetokenize, handleTokenize } from './tokenize';

export const SIM_VLLM_VERSION = '0.11.0';

type Inference = (ctx: ServeContext, req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => void;

const INFERENCE: Record<string, Inference> = {
  '/v1/chat/completions': handleChat,
  '/v1/completions': handleCompletions,
  '/v1/embeddings': handleEmbeddings,
  '/v1/responses': handleResponses,
  '/v1/messages': handleMessages,
  '/v1/messages/count_tokens': handleCountTokens,
  '/tokenize': handleTokenize,
  '/detokenize': handleDetokenize,
};

/** Routes that answer errors in Anthropic's shape. */
const ANTHROPIC_ROUTES = new Set(['/v1/messages', '/v1/messages/count_tokens']);

/** `/v1/responses/{id}` and `/v1/responses/{id}/cancel`. */
const STORED_RESPONSE = /^\/v1\/responses\/([^/]+)(\/cancel)?$/;

const GUARDED_PREFIXES = ['/v1', '/v2', '/inference', '/cohere'];

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function authorized(ctx: ServeContext, req: IncomingMessage): boolean {
  if (!ctx.apiKey) return true;
  const header = req.headers.authorization ?? '';
  const match = /^bearer\s+(.+)$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]!), digest(ctx.apiKey));
}

export function createRequestHandler(ctx: ServeContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(ctx, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, wireError(500, error instanceof Error ? error.message : String(error)));
      else res.destroy();
    });
  };
}

async function route(ctx: ServeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const method = req.method ?? 'GET';
  if (path.startsWith('/sim/')) return simRoute(ctx, req, res, path, method);
  const fault = ctx.fault;
  if (fault.kind === 'hang') return; // never answers; the client's timeout or disconnect ends it
  if (fault.kind === 'refuse') res.setHeader('connection', 'close');

  if (method === 'OPTIONS') {
    res.writeHead(200, { allow: 'GET, POST, OPTIONS', 'content-length': 0 });
    res.end();
    return;
  }
  if (GUARDED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`)) && !authorized(ctx, req)) {
    return sendJson(res, 401, { error: 'Unauthorized' });
  }
  switch (path) {
    case '/health':
    case '/ping':
      if (method !== 'GET' && !(path === '/ping' && method === 'POST')) return methodNotAllowed(res);
      res.writeHead(200, { 'content-length': 0 });
      res.end();
      return;
    case '/version':
      if (method !== 'GET') return methodNotAllowed(res);
      return sendJson(res, 200, { version: SIM_VLLM_VERSION });
    case '/load':
      if (method !== 'GET') return methodNotAllowed(res);
      return sendJson(res, 200, { server_load: ctx.engine.numInFlight });
    case '/metrics':
      if (method !== 'GET') return methodNotAllowed(res);
      return sendText(res, 200, renderMetrics(ctx.engine, ctx.models, ctx.profile), METRICS_CONTENT_TYPE);
    case '/v1/models':
      if (method !== 'GET') return methodNotAllowed(res);
      return sendJson(res, 200, modelList(ctx.models, ctx.startedUnix, ctx.profile.maxModelLen));
    case '/v1/load_lora_adapter':
    case '/v1/unload_lora_adapter':
      // vLLM registers these only with LoRA enabled (and VLLM_ALLOW_RUNTIME_LORA_UPDATING, which the sim assumes).
      if (!ctx.models.loraEnabled) return sendJson(res, 404, { detail: 'Not Found' });
      if (method !== 'POST') return methodNotAllowed(res);
      return handleLoraRoute(ctx, res, path, await readBody(req));
  }
  const stored = STORED_RESPONSE.exec(path);
  if (stored) {
    const [, id, cancel] = stored;
    const allowed = cancel ? method === 'POST' : method === 'GET' || method === 'DELETE';
    if (!allowed) return methodNotAllowed(res);
    return handleStoredResponse(ctx, req, res, decodeURIComponent(id!), cancel ? 'CANCEL' : method);
  }
  const handler = INFERENCE[path];
  if (!handler) return sendJson(res, 404, { detail: 'Not Found' });
  if (method !== 'POST') return methodNotAllowed(res);
  ctx.counters.received++;
  const raw = await readBody(req);
  const fail = (error: WireError, headers: Record<string, string> = {}) =>
    ANTHROPIC_ROUTES.has(path) ? sendAnthropicError(res, error, headers) : sendError(res, error, headers);
  if (fault.kind === 'status') {
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
    ctx.faultAnswered();
    return fail(wireError(fault.status, `simulated fault: status ${fault.status}`), headers);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return fail(wireError(400, `1 validation error: invalid JSON: ${(error as Error).message}`, 'body', 'Bad Request'));
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(wireError(400, '1 validation error: the body must be a JSON object', 'body', 'Bad Request'));
  }
  const model = (body as Record<string, unknown>)['model'];
  if (!ctx.models.resolve(model)) {
    return fail(typeof model === 'string' ? unknownModel(model) : badRequest('model must be a string', 'model'));
  }
  handler(ctx, req, res, body as Record<string, unknown>);
}

async function simRoute(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  method: string,
): Promise<void> {
  if (path === '/sim/fault') {
    if (method === 'GET') return sendJson(res, 200, ctx.faultState());
    if (method !== 'POST') return methodNotAllowed(res);
    let parsed: unknown;
    try {
      parsed = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return sendError(res, badRequest('the body must be JSON'));
    }
    const fault = parseFault(parsed);
    if (typeof fault === 'string') return sendError(res, badRequest(fault));
    await ctx.setFault(parsed as Fault & { durationMs?: number });
    return sendJson(res, 200, fault, fault.kind === 'refuse' ? { connection: 'close' } : {});
  }
  if (path === '/sim/stats' && method === 'GET') {
    const { engine } = ctx;
    return sendJson(res, 200, {
      ...ctx.counters,
      running: engine.numRunning,
      waiting: engine.numWaiting,
      inFlight: engine.numInFlight,
      kvCacheUsage: engine.kvUsage,
      prefixCacheHits: engine.stats.prefixCacheHits,
      prefixCacheQueries: engine.stats.prefixCacheQueries,
      fault: ctx.faultState(),
      storedResponses: ctx.responses.size,
      loraAdapters: engine.loraAdapters(),
      loraSwaps: engine.stats.loraSwaps,
    });
  }
  return sendJson(res, 404, { detail: 'Not Found' });
}

function methodNotAllowed(res: ServerResponse): void {
  sendJson(res, 405, { detail: 'Method Not Allowed' });
}
