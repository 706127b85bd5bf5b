// The OpenAI routes: read the body (bounded), parse it, find the pool by `model`, hand over to `forward`.
// Also GET /v1/models, the union of what the healthy replicas serve.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toRoutedRequest } from '../balancer/routedRequest';
import type { Fleet } from '../pool/fleet';
import { type ForwardDeps, forward } from './forward';
import { sendError } from './openaiError';
import { readBody } from './readBody';

/** How long a request for an unknown model may wait for pools that have not learned their models yet. */
const LEARN_WAIT_MS = 1500;

export async function proxyOpenAI(
  fleet: Fleet,
  deps: ForwardDeps,
  maxBodyBytes: number,
  req: IncomingMessage,
  res: ServerResponse,
  upstreamPath: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  const startedAt = deps.clock.now();
  /** A request the sidecar answered itself, before any pool: counted and reported like the others. */
  const refuse = (status: number, message: string, headers: Record<string, string> = {}, type?: string) => {
    sendError(res, status, message, headers, type);
    deps.counters.record(null, status);
    deps.onFinished({
      id: deps.nextId(),
      pool: null,
      replica: null,
      model: null,
      path: upstreamPath,
      status,
      stream: false,
      attempts: 0,
      startedAt,
      durationMs: deps.clock.now() - startedAt,
      ttftMs: null,
      tokens: 0,
      tokensPerSecond: 0,
      bytes: 0,
      error: status === 413 ? 'too-large' : status === 404 ? 'unknown-model' : 'bad-request',
    });
  };
  let body: Buffer | undefined;
  let parsed: Record<string, unknown> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const result = await readBody(req, maxBodyBytes);
    if (!result.ok) {
      if (result.reason === 'too-large') {
        refuse(413, `request body over the limit of ${maxBodyBytes} bytes`, { connection: 'close' });
      }
      return;
    }
    body = result.body;
    const contentType = String(req.headers['content-type'] ?? '');
    if (body.length > 0 && (contentType === '' || contentType.includes('json'))) {
      try {
        const value: unknown = JSON.parse(body.toString('utf8'));
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          parsed = value as Record<string, unknown>;
        } else {
          throw new Error('not an object');
        }
      } catch {
        return refuse(400, 'malformed JSON body: expected a JSON object');
      }
    }
  }

  const model = typeof parsed?.['model'] === 'string' && parsed['model'] !== '' ? parsed['model'] : undefined;
  let pool = fleet.poolFor(model);
  if (!pool && model !== undefined && fleet.pools.some((candidate) => candidate.modelsUnknown())) {
    await fleet.learnModels(LEARN_WAIT_MS);
    pool = fleet.poolFor(model);
    // Still nothing heard from its replicas: when exactly one pool is in that state, it is the only place the model
    // can be; the replica answers 404 itself if the model is not there.
    const unknown = fleet.pools.filter((candidate) => candidate.modelsUnknown());
    if (!pool && unknown.length === 1) pool = unknown[0];
  }
  if (!pool) {
    const known = fleet.knownModels();
    return refuse(
      404,
      `The model \`${model}\` does not exist. Known models: ${known.length > 0 ? known.join(', ') : '(none)'}`,
      {},
      'NotFoundError',
    );
  }
  const streamOptions = parsed?.['stream_options'] as { include_usage?: unknown } | undefined;
  await forward(deps, {
    pool,
    req,
    res,
    upstreamPath,
    body,
    model: model ?? null,
    routed: toRoutedRequest(parsed ?? {}, req.headers),
    stream: parsed?.['stream'] === true,
    wantsUsage: streamOptions?.include_usage === true,
  });
}

/** GET /v1/models: one card per model id, from the replicas that can take requests (configured ids as plain cards). */
export function listModels(fleet: Fleet, now: number): { object: 'list'; data: Record<string, unknown>[] } {
  const cards = new Map<string, Record<string, unknown>>();
  for (const pool of fleet.pools) {
    const healthy = pool.candidates();
    if (healthy.length === 0) continue;
    for (const replica of healthy) {
      for (const card of replica.modelCards) {
        const id = card['id'] as string;
        if (!cards.has(id) && (!pool.config.models?.length || pool.config.models.includes(id))) cards.set(id, card);
      }
    }
    for (const id of pool.config.models ?? []) {
      if (!cards.has(id)) {
        cards.set(id, {
          id,
          object: 'model',
          created: Math.floor(now / 1000),
          owned_by: 'vllm-pools',
          root: id,
          parent: null,
        });
      }
    }
  }
  return { object: 'list', data: [...cards.values()] };
}
