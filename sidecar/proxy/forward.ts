// The retry policy of one client request in its pool: pick a replica the request has not tried, run an attempt, and
// while nothing has been sent to the client and the rules allow it (connect error, reset or first-byte timeout before
// the head; 502/503/504), try another. A replica that answers 429 or 503 is busy, not broken: when every replica of
// the round was busy, wait (its Retry-After, else a jittered backoff) and start another round, all within the pool's
// deadline. When nothing answered, the sidecar answers in the route's dialect, or reports the pool exhausted so the
// caller can fall back to another pool. Everything the request changes elsewhere goes through its recorder.

import type { Clock } from '../pool/clock';
import type { PoolRuntime } from '../pool/pool';
import type { Replica } from '../pool/replica';
import { type AttemptRequest, type AttemptResult, runAttempt } from './attempt';
import { sendDialectError } from './dialectError';
import type { Transport } from './transport';

/** Rounds over the pool's replicas, waits included (a bound besides the deadline). */
const MAX_ROUNDS = 6;
/** Backoff without a Retry-After: 250 ms, doubling, at most 8 s; plus up to 20 % jitter. */
const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 8000;

export interface ForwardDeps {
  clock: Clock;
  transport: Transport;
  /** Waits `ms` (injected so tests need no sleeps); default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1) for the jitter; default Math.random. */
  random?: () => number;
}

export interface ForwardRequest extends AttemptRequest {
  readonly pool: PoolRuntime;
  readonly routed: Parameters<PoolRuntime['balancer']['pick']>[1];
  /** The replicas to try, in order, instead of the balancer's choice (a stored Response's id names where it lives). */
  readonly replicaOrder?: (candidates: readonly Replica[]) => readonly Replica[];
  /** Epoch ms after which no attempt or wait starts (the pool's deadline from the request's start). */
  readonly deadlineAt?: number;
  /** Leave an exhausted pool (no healthy replica, or all busy) unanswered: the caller has a fallback pool. */
  readonly fallbackAvailable?: boolean;
}

/** `answered`: the client got an answer (or left). `exhausted`: nothing was sent; the pool could not take it. */
export type ForwardOutcome = 'answered' | 'exhausted';

export async function forward(deps: ForwardDeps, request: ForwardRequest): Promise<ForwardOutcome> {
  const { pool, recorder, sink } = request;
  const model = request.routed.model;
  const maxAttempts = Math.max(1, pool.config.retries + 1);
  const deadlineAt = request.deadlineAt ?? Number.POSITIVE_INFINITY;
  const random = deps.random ?? Math.random;
  let last: AttemptResult | undefined;
  let busy: { status: number; retryAfterMs: number | undefined } | undefined;

  if (pool.balancer.prepare && !request.replicaOrder)
    await pool.balancer.prepare(pool.candidates(model), request.routed);
  for (let round = 0; round < MAX_ROUNDS && !sink.gone; round++) {
    const tried: Replica[] = [];
    // Looking for a stored Response asks every replica if need be, whatever the retry budget.
    const limit = request.replicaOrder ? Math.max(maxAttempts, pool.candidates(model).length) : maxAttempts;
    let allBusy = true;
    while (tried.length < limit && !sink.gone) {
      const all = pool.candidates(model);
      const candidates = tried.length === 0 ? all : all.filter((replica) => !tried.includes(replica));
      if (candidates.length === 0) break;
      const picked = request.replicaOrder
        ? request.replicaOrder(candidates)[0]
        : pool.balancer.pick(pool.preferred(candidates, model), request.routed);
      const replica = picked && candidates.find((candidate) => candidate === picked || candidate.name === picked.name);
      if (!replica) break;
      tried.push(replica);
      const mayRetry = tried.length < limit && candidates.length > 1;
      const mayWait = round + 1 < MAX_ROUNDS && deps.clock.now() < deadlineAt;
      last = await runAttempt(deps.transport, deps.clock, request, replica, recorder.attempts + 1, {
        mayRetry,
        mayWait: mayWait || request.fallbackAvailable === true,
      });
      if (last.kind !== 'retry') break;
      if (last.overloaded) busy = last.overloaded;
      else allBusy = false;
      recorder.retrying(last.message);
    }
    if (last?.kind !== 'retry' || !allBusy || !busy || sink.gone) break;
    const wait = Math.min(
      busy.retryAfterMs ?? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** round),
      BACKOFF_MAX_MS * 4,
    );
    const waitFor = wait * (1 + 0.2 * random());
    if (deps.clock.now() + waitFor >= deadlineAt || round + 1 >= MAX_ROUNDS) break;
    await (deps.sleep ?? defaultSleep)(waitFor);
  }

  const attempts = recorder.attempts;
  const lastReplica = recorder.lastReplica;
  if (last?.kind === 'sent') {
    recorder.finish(last.status, last.error);
    return 'answered';
  }
  if (sink.gone) {
    recorder.finish(499, 'client-abort');
    return 'answered';
  }
  const overloaded = last?.kind === 'retry' && last.overloaded !== undefined;
  if ((!last || overloaded) && request.fallbackAvailable) return 'exhausted';
  if (!last) {
    const serving = model !== undefined && pool.candidates().length > 0 ? ` serves the model \`${model}\`` : '';
    sendDialectError(sink, request.dialect, 503, `no healthy replica in pool "${pool.name}"${serving}`, [
      'retry-after',
      String(retryAfterSeconds(pool, deps.clock.now())),
      'x-vllm-pools-pool',
      pool.name,
    ]);
    recorder.finish(503, 'no-healthy-replica');
    return 'answered';
  }
  if (last.kind === 'retry' && last.overloaded) {
    const { status, retryAfterMs } = last.overloaded;
    const seconds = Math.max(1, Math.ceil((retryAfterMs ?? BACKOFF_BASE_MS) / 1000));
    sendDialectError(
      sink,
      request.dialect,
      status,
      `every replica of pool "${pool.name}" is busy (last answer ${status}); tried ${attempts} times`,
      ['retry-after', String(seconds), 'x-vllm-pools-pool', pool.name, 'x-vllm-pools-attempts', String(attempts)],
    );
    recorder.finish(status, 'overloaded');
    return 'answered';
  }
  const status = last.errorKind === 'timeout' ? 504 : 502;
  const headers = ['x-vllm-pools-pool', pool.name];
  if (lastReplica) headers.push('x-vllm-pools-replica', lastReplica.name);
  if (attempts > 1) headers.push('x-vllm-pools-attempts', String(attempts));
  const where =
    attempts > 1
      ? `all ${attempts} attempts failed; last on replica ${lastReplica?.name}`
      : `replica ${lastReplica?.name}`;
  sendDialectError(sink, request.dialect, status, `${where}: ${last.message}`, headers);
  recorder.finish(status, last.errorKind);
  return 'answered';
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
