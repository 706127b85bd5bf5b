// A proxied route: read the body (bounded), parse it, choose the pool (the route's `/pools/{pool}/`, else the body's
// `model`, else the header x-vllm-pools-pool, else the default pool), hand over to `forward`. Also GET /v1/models, the
// union of what the healthy replicas serve.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fleet } from '../pool/fleet';
import type { PoolRuntime } from '../pool/pool';
import type { Replica } from '../pool/replica';
import type { GatewayUsers, Ticket } from '../users/gatewayUsers';
import type { User } from '../users/userDirectory';
import { sendDialectError } from './dialectError';
import { type ForwardDeps, forward } from './forward';
import { readBody } from './readBody';
import { type RecorderDeps, RequestRecorder } from './recorder';
import {
  previousResponseId,
  type ResponseAffinity,
  replicasToTry,
  responseIdOfPath,
  storesResponse,
} from './responseAffinity';
import type { Route } from './routes';
import { NodeResponseSink } from './sink';

/** How long a request for an unknown model may wait for pools that have not learned their models yet. */
const LEARN_WAIT_MS = 1500;

export const POOL_HEADER = 'x-vllm-pools-pool';

export interface ProxyDeps extends ForwardDeps {
  recorder: RecorderDeps;
  /** Which replica created each stored Response this sidecar saw (Responses API). */
  responses: ResponseAffinity;
  /** The config's model aliases in force (a reload may change them). */
  aliases(): Readonly<Record<string, string>> | undefined;
  /** Gateway mode with named users: limits and the fair share; undefined without `users`. */
  users?: () => GatewayUsers | undefined;
  /** The sidecar checks a client token (clientToken or users): the client's credentials are its own, not a replica's. */
  checksClientToken?: () => boolean;
}

export async function proxyRoute(
  fleet: Fleet,
  deps: ProxyDeps,
  maxBodyBytes: number,
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  user?: User,
): Promise<void> {
  const method = req.method ?? 'GET';
  const recorder = new RequestRecorder(deps.recorder, method, route.upstreamPath);
  const sink = new NodeResponseSink(res);
  /** A request the sidecar answered itself, before any pool: counted and reported like the others. */
  const refuse = (status: number, error: string, message: string, headers: string[] = [], type?: string) => {
    sendDialectError(sink, route.dialect, status, message, headers, type);
    recorder.finish(status, error);
  };
  let ticket: { users: GatewayUsers; ticket: Ticket } | undefined;
  try {
    let body: Buffer | undefined;
    let parsed: Record<string, unknown> | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      const result = await readBody(req, maxBodyBytes);
      if (!result.ok) {
        if (result.reason === 'too-large') {
          refuse(413, 'too-large', `request body over the limit of ${maxBodyBytes} bytes`, ['connection', 'close']);
        }
        return;
      }
      body = result.body;
      const contentType = req.headers['content-type'] ?? '';
      if (body.length > 0 && (contentType === '' || contentType.includes('json'))) {
        parsed = parseObject(body);
        if (!parsed) return refuse(400, 'bad-request', 'malformed JSON body: expected a JSON object');
      }
    }

    const asked = typeof parsed?.['model'] === 'string' && parsed['model'] !== '' ? parsed['model'] : undefined;
    const alias = asked === undefined ? undefined : deps.aliases()?.[asked];
    const model = alias ?? asked;
    if (alias !== undefined && parsed) {
      // The tool's name for the model becomes the pool's; the answer keeps the name the engine writes.
      parsed = { ...parsed, model: alias };
      body = Buffer.from(JSON.stringify(parsed));
    }
    let pool: PoolRuntime | undefined;
    if (route.pool !== undefined) {
      pool = fleet.pool(route.pool);
      if (!pool) return refuse(404, 'unknown-pool', unknownPool(fleet, route.pool), [], 'NotFoundError');
      if (model !== undefined && !mayServe(pool, model)) {
        // A model no replica of the pool lists is the request's mistake (404, as vLLM says), not an outage (503).
        const known = pool.models();
        return refuse(
          404,
          'unknown-model',
          `The model \`${model}\` does not exist in pool "${pool.name}". Its models: ${known.length > 0 ? known.join(', ') : '(none)'}`,
          [],
          'NotFoundError',
        );
      }
    } else if (model !== undefined) {
      // The usual case without an async hop: a pool serves the model already.
      pool = fleet.poolFor(model) ?? (await poolForModel(fleet, model));
      if (!pool) {
        const known = fleet.knownModels();
        return refuse(
          404,
          'unknown-model',
          `The model \`${model}\` does not exist. Known models: ${known.length > 0 ? known.join(', ') : '(none)'}`,
          [],
          'NotFoundError',
        );
      }
    } else {
      const named = req.headers[POOL_HEADER];
      if (typeof named === 'string' && named !== '') {
        pool = fleet.pool(named);
        if (!pool) return refuse(404, 'unknown-pool', unknownPool(fleet, named), [], 'NotFoundError');
      } else {
        pool = fleet.poolFor(undefined);
        if (!pool) return refuse(404, 'unknown-pool', 'no pool is configured', [], 'NotFoundError');
      }
    }

    const users = user === undefined ? undefined : deps.users?.();
    if (users && user) {
      recorder.user = user.name;
      const gone = new AbortController();
      const onClose = () => gone.abort(new Error('client closed the connection'));
      res.once('close', onClose);
      const admission = await users.admit(user, gone.signal).catch(() => undefined);
      res.off('close', onClose);
      if (!admission) return recorder.finish(499, 'client-abort');
      if (!admission.admitted) {
        return refuse(429, 'rate-limited', admission.message, ['retry-after', String(admission.retryAfterSeconds)]);
      }
      ticket = { users, ticket: admission.ticket };
      recorder.onFirstToken = () => users.firstToken(admission.ticket);
    }
    const dialect = route.dialect;
    let request = parsed ?? {};
    const pinned = dialect.id === 'openai-responses' ? pinnedResponse(method, route.upstreamPath, request) : undefined;
    const remembered = pinned === undefined ? undefined : deps.responses.replicaOf(pinned.id);
    const replicaOrder =
      pinned === undefined
        ? undefined
        : (candidates: readonly Replica[]) => replicasToTry(candidates, pinned.id, remembered);
    // The pool, then its fallback pools in turn (each at most once) while a pool could not take the request at all.
    // Pools visited so far: only a request that falls back has any (most never do, so no Set per request).
    let visited: string[] | undefined;
    let fallbackFrom: string | undefined;
    let current: PoolRuntime = pool;
    for (;;) {
      const pool = current;
      const next: PoolRuntime | undefined =
        pool.config.fallback === undefined ? undefined : fleet.pool(pool.config.fallback);
      const fallbackAvailable =
        next !== undefined && next.name !== pool.name && !visited?.includes(next.name) && pinned === undefined;
      const routed = dialect.routedRequest(request, req.headers, route.upstreamPath);
      recorder.routedTo(pool, routed.model ?? null, dialect.isStream(request), routed, body?.length ?? 0);
      const outcome = await forward(deps, {
        pool,
        routed,
        replicaOrder,
        notFoundMeansNext: pinned !== undefined,
        method,
        upstreamPath: route.upstreamPath,
        rawHeaders: req.rawHeaders,
        clientCredentialsAreOurs: deps.checksClientToken?.() === true,
        body,
        poolName: pool.name,
        timeouts: pool.config.timeouts,
        deadlineAt: recorder.startedAt + pool.config.deadline,
        fallbackAvailable,
        fallbackFrom,
        dialect,
        recorder,
        sink,
      });
      if (outcome === 'answered' || !next) break;
      visited = visited === undefined ? [pool.name] : [...visited, pool.name];
      fallbackFrom = pool.name;
      // The fallback pool may serve another model (a bigger one, say): ask it for its own.
      const asking = routed.model;
      if (asking !== undefined && !next.serves(asking) && parsed) {
        const own = next.models()[0];
        if (own !== undefined) {
          request = { ...request, model: own };
          body = Buffer.from(JSON.stringify(request));
        }
      }
      current = next;
    }
    rememberResponse(deps.responses, recorder, method, pinned, request);
  } finally {
    sink.detach();
    ticket?.users.finish(ticket.ticket, {
      promptTokens: Math.ceil(recorder.requestBytes / 4),
      completionTokens: recorder.answerTokens,
    });
  }
}

/** The stored Response a Responses request needs: the id in its path, or its `previous_response_id`. */
function pinnedResponse(
  method: string,
  path: string,
  body: Record<string, unknown>,
): { id: string; action: string } | undefined {
  const named = responseIdOfPath(method, path);
  if (named) return named;
  const previous = previousResponseId(body);
  return previous === undefined ? undefined : { id: previous, action: 'continue' };
}

/** Keeps the memory of stored Responses in step with what the request did. */
function rememberResponse(
  responses: ResponseAffinity,
  recorder: RequestRecorder,
  method: string,
  pinned: { id: string; action: string } | undefined,
  body: Record<string, unknown>,
): void {
  const replica = recorder.lastReplica;
  if (!replica || recorder.status === null || recorder.status >= 400) return;
  if (pinned?.action === 'delete') responses.forget(pinned.id);
  else if (pinned && pinned.action !== 'continue') responses.remember(pinned.id, replica.name);
  if (method === 'POST' && recorder.responseId !== undefined && storesResponse(body)) {
    responses.remember(recorder.responseId, replica.name);
  }
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function poolForModel(fleet: Fleet, model: string): Promise<PoolRuntime | undefined> {
  let pool = fleet.poolFor(model);
  if (!pool && fleet.pools.some((candidate) => candidate.modelsUnknown())) {
    await fleet.learnModels(LEARN_WAIT_MS);
    pool = fleet.poolFor(model);
    // Still nothing heard from its replicas: when exactly one pool is in that state, it is the only place the model
    // can be; the replica answers 404 itself if the model is not there.
    const unknown = fleet.pools.filter((candidate) => candidate.modelsUnknown());
    if (!pool && unknown.length === 1) pool = unknown[0];
  }
  return pool;
}

function unknownPool(fleet: Fleet, name: string): string {
  const names = fleet.pools.map((pool) => pool.name);
  return `The pool \`${name}\` does not exist. Pools: ${names.length > 0 ? names.join(', ') : '(none)'}`;
}

/**
 * GET /v1/models: one card per model id, from the replicas that can take requests (configured ids as plain cards);
 * only `pool`'s when one is named.
 */
export function listModels(
  fleet: Fleet,
  now: number,
  poolName?: string,
  aliases: Readonly<Record<string, string>> = {},
): { object: 'list'; data: Record<string, unknown>[] } {
  const cards = new Map<string, Record<string, unknown>>();
  for (const pool of fleet.pools) {
    if (poolName !== undefined && pool.name !== poolName) continue;
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
  // An alias is listed where its model is: tools that check the list before use find the name they insist on.
  for (const [alias, target] of Object.entries(aliases)) {
    const card = cards.get(target);
    if (card && !cards.has(alias)) cards.set(alias, { ...card, id: alias, root: target, parent: target });
  }
  return { object: 'list', data: [...cards.values()] };
}

/** True when the pool lists the model, or some replica of it lists it or has not reported its models yet. */
function mayServe(pool: PoolRuntime, model: string): boolean {
  return (
    pool.serves(model) ||
    pool.active().some((replica) => replica.modelsLearnedAt === null || replica.models.includes(model))
  );
}
