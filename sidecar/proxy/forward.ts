// The retry policy of one client request in its pool: pick a replica the request has not tried, run an attempt, and
// while nothing has been sent to the client and the rules allow it (connect error, reset or first-byte timeout before
// the head; 502/503/504), try another. When no attempt answered, the sidecar answers in the route's dialect.
// Everything the request changes elsewhere goes through its recorder.

import type { Clock } from '../pool/clock';
import type { PoolRuntime } from '../pool/pool';
import type { Replica } from '../pool/replica';
import { type AttemptRequest, type AttemptResult, runAttempt } from './attempt';
import { sendDialectError } from './dialectError';
import type { Transport } from './transport';

export interface ForwardDeps {
  clock: Clock;
  transport: Transport;
}

export interface ForwardRequest extends AttemptRequest {
  readonly pool: PoolRuntime;
  readonly routed: Parameters<PoolRuntime['balancer']['pick']>[1];
  /** The replicas to try, in order, instead of the balancer's choice (a stored Response's id names where it lives). */
  readonly replicaOrder?: (candidates: readonly Replica[]) => readonly Replica[];
}

export async function forward(deps: ForwardDeps, request: ForwardRequest): Promise<void> {
  const { pool, recorder, sink } = request;
  const tried: Replica[] = [];
  const maxAttempts = Math.max(1, pool.config.retries + 1);
  let last: AttemptResult | undefined;

  // Looking for a stored Response asks every replica if need be, whatever the retry budget.
  const model = request.routed.model;
  const limit = request.replicaOrder ? Math.max(maxAttempts, pool.candidates(model).length) : maxAttempts;
  while (recorder.attempts < limit && !sink.gone) {
    const candidates = pool.candidates(model).filter((replica) => !tried.includes(replica));
    if (candidates.length === 0) break;
    const picked = request.replicaOrder
      ? request.replicaOrder(candidates)[0]
      : pool.balancer.pick(candidates, request.routed);
    const replica = picked && candidates.find((candidate) => candidate === picked || candidate.name === picked.name);
    if (!replica) break;
    tried.push(replica);
    const attemptNumber = recorder.attempts + 1;
    const mayRetry = attemptNumber < limit && candidates.length > 1;
    last = await runAttempt(deps.transport, deps.clock, request, replica, attemptNumber, mayRetry);
    if (last.kind !== 'retry') break;
    recorder.retrying(last.message);
  }

  const attempts = recorder.attempts;
  const lastReplica = recorder.lastReplica;
  if (last?.kind === 'sent') {
    recorder.finish(last.status, last.error);
  } else if (sink.gone) {
    recorder.finish(499, 'client-abort');
  } else if (!last) {
    const serving = model !== undefined && pool.candidates().length > 0 ? ` serves the model \`${model}\`` : '';
    sendDialectError(sink, request.dialect, 503, `no healthy replica in pool "${pool.name}"${serving}`, [
      'retry-after',
      String(retryAfterSeconds(pool, deps.clock.now())),
      'x-vllm-pools-pool',
      pool.name,
    ]);
    recorder.finish(503, 'no-healthy-replica');
  } else {
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
  }
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
