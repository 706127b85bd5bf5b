// One client request through a pool: pick a replica, send, and either stream the answer to the client or, while
// nothing has been sent yet, try another replica. In-flight counts are taken per attempt and released in exactly
// one `finally`; a client that goes away aborts the upstream request at once.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestEvent } from '../../core/protocol';
import type { RoutedRequest } from '../balancer/types';
import type { Logger } from '../log';
import type { Clock } from '../pool/clock';
import type { PoolRuntime } from '../pool/pool';
import type { Replica } from '../pool/replica';
import type { ActiveStreams } from '../stats/activeStreams';
import type { RequestCounters } from '../stats/requestCounters';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers';
import { sendError, sseErrorTail } from './openaiError';
import { SseTap, usageTokensOf } from './sseTap';
import { classifyUpstreamError, isRetryableKind, RETRYABLE_STATUSES, type UpstreamErrorKind } from './upstreamError';

/** Non-streamed bodies are kept up to this size to read their usage; larger ones are counted, not parsed. */
const USAGE_CAPTURE_LIMIT = 256 * 1024;

export interface ForwardDeps {
  clock: Clock;
  logger: Logger;
  streams: ActiveStreams;
  counters: RequestCounters;
  nextId(): string;
  onFinished(event: RequestEvent): void;
  /** A replica just got ejected by passive checks. */
  onEjected(pool: PoolRuntime, replica: Replica): void;
}

export interface ForwardRequest {
  pool: PoolRuntime;
  req: IncomingMessage;
  res: ServerResponse;
  /** Path and query to send upstream, always starting with /v1 for OpenAI routes. */
  upstreamPath: string;
  body: Buffer | undefined;
  model: string | null;
  routed: RoutedRequest;
  stream: boolean;
  wantsUsage: boolean;
}

type AttemptResult =
  | { kind: 'sent'; status: number; error: string | null; tokens: number; ttftMs: number | null; bytes: number }
  | { kind: 'retry'; errorKind: UpstreamErrorKind | 'status'; message: string }
  | { kind: 'failed'; errorKind: UpstreamErrorKind; message: string };

export async function forward(deps: ForwardDeps, request: ForwardRequest): Promise<void> {
  const { pool, res } = request;
  const id = deps.nextId();
  const startedAt = deps.clock.now();
  let clientGone = false;
  const onClose = () => {
    if (!res.writableFinished) clientGone = true;
  };
  res.on('close', onClose);

  const tried = new Set<Replica>();
  const maxAttempts = Math.max(1, pool.config.retries + 1);
  let attempts = 0;
  let last: AttemptResult | undefined;
  let lastReplica: Replica | undefined;

  try {
    while (attempts < maxAttempts && !clientGone) {
      const candidates = pool.candidates().filter((replica) => !tried.has(replica));
      if (candidates.length === 0) break;
      const picked = pool.balancer.pick(candidates, request.routed);
      const replica = picked && candidates.find((candidate) => candidate === picked || candidate.name === picked.name);
      if (!replica) break;
      tried.add(replica);
      attempts += 1;
      lastReplica = replica;
      const mayRetry =
        attempts < maxAttempts && pool.candidates().some((candidate) => !tried.has(candidate) && candidate !== replica);
      last = await attempt(deps, request, replica, id, attempts, mayRetry, () => clientGone);
      if (last.kind !== 'retry') break;
      replica.stats.retries += 1;
      deps.counters.recordRetry(pool.name);
      deps.logger.debug('retrying on another replica', {
        id,
        pool: pool.name,
        replica: replica.name,
        reason: last.message,
      });
    }
  } finally {
    res.off('close', onClose);
  }

  let status: number;
  let error: string | null = null;
  let tokens = 0;
  let ttftMs: number | null = null;
  let bytes = 0;
  if (last?.kind === 'sent') {
    ({ status, error, tokens, ttftMs, bytes } = last);
  } else if (clientGone) {
    status = 499;
    error = 'client-abort';
  } else if (!last) {
    status = 503;
    error = 'no-healthy-replica';
    sendError(res, 503, `no healthy replica in pool "${pool.name}"`, {
      'retry-after': String(retryAfterSeconds(pool, deps.clock.now())),
      'x-vllm-pools-pool': pool.name,
    });
  } else {
    const timedOut = last.errorKind === 'timeout';
    status = timedOut ? 504 : 502;
    error = last.errorKind;
    const headers: Record<string, string> = { 'x-vllm-pools-pool': pool.name };
    if (lastReplica) headers['x-vllm-pools-replica'] = lastReplica.name;
    if (attempts > 1) headers['x-vllm-pools-attempts'] = String(attempts);
    const where =
      attempts > 1
        ? `all ${attempts} attempts failed; last on replica ${lastReplica?.name}`
        : `replica ${lastReplica?.name}`;
    sendError(res, status, `${where}: ${last.message}`, headers);
  }
  deps.counters.record(pool.name, status);
  const durationMs = deps.clock.now() - startedAt;
  const event: RequestEvent = {
    id,
    pool: pool.name,
    replica: lastReplica?.name ?? null,
    model: request.model,
    path: request.upstreamPath,
    status,
    stream: request.stream,
    attempts,
    startedAt,
    durationMs,
    ttftMs,
    tokens,
    tokensPerSecond:
      ttftMs !== null && durationMs > ttftMs ? Math.round((tokens / ((durationMs - ttftMs) / 1000)) * 10) / 10 : 0,
    bytes,
    error,
  };
  deps.onFinished(event);
}

/** Seconds until some replica of the pool may be back: the nearest ejection end, else a health-check interval. */
function retryAfterSeconds(pool: PoolRuntime, now: number): number {
  const ends = pool
    .active()
    .map((replica) => replica.health.ejectedUntilNow())
    .filter((until): until is number => until !== null);
  const wait = ends.length > 0 ? Math.min(...ends) - now : pool.config.healthCheck.interval;
  return Math.max(1, Math.ceil(wait / 1000));
}

async function attempt(
  deps: ForwardDeps,
  request: ForwardRequest,
  replica: Replica,
  id: string,
  attemptNumber: number,
  mayRetry: boolean,
  clientGone: () => boolean,
): Promise<AttemptResult> {
  const { pool, req, res } = request;
  const clock = deps.clock;
  const attemptStart = clock.now();
  const release = replica.acquire();
  // The balancer that saw the start also sees the finish, even if the algorithm is switched meanwhile.
  const balancer = pool.balancer;
  balancer.onStart?.(replica, request.routed);
  const abort = new AbortController();
  const onClientClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on('close', onClientClose);
  const active = deps.streams.add({
    id,
    pool: pool.name,
    replica: replica.name,
    model: request.model,
    path: request.upstreamPath,
    startedAt: attemptStart,
    tokens: 0,
    firstTokenAt: null,
  });

  let ok = false;
  let errorKind: string | undefined;
  let ttftMs: number | undefined;
  let bytesReceived = 0;
  let tokens = 0;
  try {
    if (clientGone()) return { kind: 'failed', errorKind: 'client-abort', message: 'client closed the connection' };
    let response: Awaited<ReturnType<Replica['dispatcher']['request']>>;
    try {
      response = await replica.dispatcher.request({
        path: replica.basePath + request.upstreamPath,
        method: (req.method ?? 'GET') as 'GET',
        headers: upstreamRequestHeaders(req.headers, replica.authorization()),
        body: request.body && request.body.length > 0 ? request.body : null,
        signal: abort.signal,
        headersTimeout: pool.config.timeouts.firstByte,
        bodyTimeout: pool.config.timeouts.idle,
      });
    } catch (error) {
      const { kind, message } = classifyUpstreamError(error);
      errorKind = kind;
      if (kind === 'client-abort' || clientGone()) {
        errorKind = 'client-abort';
        return { kind: 'failed', errorKind: 'client-abort', message };
      }
      noteFailure(deps, pool, replica, message);
      if (mayRetry && isRetryableKind(kind)) return { kind: 'retry', errorKind: kind, message };
      return { kind: 'failed', errorKind: kind, message };
    }

    const status = response.statusCode;
    if (RETRYABLE_STATUSES.has(status)) {
      noteFailure(deps, pool, replica, `HTTP ${status}`);
      if (mayRetry) {
        errorKind = 'status';
        // Read the (small) error body so the connection can be reused; never wait long for it.
        response.body.on('error', () => undefined);
        void response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        return { kind: 'retry', errorKind: 'status', message: `replica ${replica.name} answered ${status}` };
      }
    } else if (status < 500) {
      replica.health.recordSuccess();
    } else {
      // Not retried (a 500 may be this request's own fault), but it counts towards passive ejection: a replica that
      // answers 500 to everything fails fast, and least-loaded algorithms would otherwise send it the most traffic.
      noteFailure(deps, pool, replica, `HTTP ${status}`);
    }

    const headers = clientResponseHeaders(response.headers);
    headers['x-vllm-pools-pool'] = pool.name;
    headers['x-vllm-pools-replica'] = replica.name;
    if (attemptNumber > 1) headers['x-vllm-pools-attempts'] = String(attemptNumber);
    const contentType = String(response.headers['content-type'] ?? '');
    const isSse = contentType.includes('text/event-stream');
    res.writeHead(status, headers);
    if (isSse) res.flushHeaders();

    let lastTokenAt: number | null = null;
    const tap = isSse
      ? new SseTap(() => clock.now(), {
          onTokens(count, at) {
            if (lastTokenAt === null) {
              ttftMs = at - attemptStart;
              active.firstTokenAt = at;
              replica.stats.recordTtft(ttftMs);
            } else {
              replica.stats.recordGap(at - lastTokenAt);
            }
            lastTokenAt = at;
            active.tokens += count;
            replica.stats.recordTokens(count);
          },
        })
      : undefined;
    const captured: Buffer[] = [];
    let capturedBytes = 0;

    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        bytesReceived += chunk.length;
        if (tap) tap.push(chunk);
        else if (ttftMs === undefined) {
          // Not a stream: the first body byte stands for the first token.
          ttftMs = clock.now() - attemptStart;
          replica.stats.recordTtft(ttftMs);
        }
        if (!tap && capturedBytes + chunk.length <= USAGE_CAPTURE_LIMIT) {
          captured.push(chunk);
          capturedBytes += chunk.length;
        }
        if (!res.write(chunk)) await drained(res);
        if (clientGone()) throw Object.assign(new Error('client closed the connection'), { name: 'AbortError' });
      }
    } catch (error) {
      const { kind, message } = classifyUpstreamError(error);
      if (kind === 'client-abort' || clientGone()) {
        errorKind = 'client-abort';
        abort.abort();
        res.destroy();
        return sent(status, 'client-abort');
      }
      errorKind = kind;
      noteFailure(deps, pool, replica, message);
      deps.logger.warn('upstream failed mid-response', { id, pool: pool.name, replica: replica.name, reason: message });
      if (isSse) {
        res.end(
          `${tap?.atBoundary ? '' : '\n\n'}${sseErrorTail(`replica ${replica.name} failed mid-stream: ${message}`)}`,
        );
      } else {
        res.destroy();
      }
      return sent(status, kind);
    }
    res.end();
    if (tap) tokens = tap.tokens();
    else if (captured.length > 0) tokens = usageTokensOf(Buffer.concat(captured).toString('utf8')) ?? 0;
    if (tap && tap.usageTokens !== null && tap.usageTokens > tap.deltaTokens) {
      replica.stats.recordTokens(tap.usageTokens - tap.deltaTokens);
    } else if (!tap) replica.stats.recordTokens(tokens);
    active.tokens = tokens;
    ok = status < 500;
    if (!ok) errorKind = 'status';
    return sent(status, ok ? null : 'status');
  } finally {
    res.off('close', onClientClose);
    release();
    deps.streams.remove(id);
    try {
      balancer.onFinish?.(replica, request.routed, ttftMs === undefined ? { ok } : { ok, ttftMs });
    } catch (error) {
      deps.logger.error('balancer onFinish failed', { error: String(error) });
    }
    replica.stats.recordFinish({
      ok,
      errorKind: errorKind === 'client-abort' ? 'client-abort' : errorKind,
      durationMs: clock.now() - attemptStart,
      ...(ttftMs === undefined ? {} : { ttftMs }),
      tokens,
      bytesSent: request.body?.length ?? 0,
      bytesReceived,
    });
  }

  function sent(status: number, error: string | null): AttemptResult {
    return { kind: 'sent', status, error, tokens, ttftMs: ttftMs ?? null, bytes: bytesReceived };
  }
}

function noteFailure(deps: ForwardDeps, pool: PoolRuntime, replica: Replica, message: string): void {
  if (replica.health.recordFailure(message)) {
    replica.stats.ejections += 1;
    deps.logger.warn(`replica ${replica.name} ejected`, { pool: pool.name, reason: replica.health.reason() });
    deps.onEjected(pool, replica);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
