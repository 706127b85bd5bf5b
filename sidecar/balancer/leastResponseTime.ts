// Lowest expected wait: moving average of time to first token × (in-flight + 1), per unit of weight.
// The balancer keeps its own average from onFinish (falling back to the view's ttftEwmaMs), so that it knows how old a
// measurement is: an estimate that has not been refreshed for a while decays towards the best replica's, so a replica
// that was slow once gets tried again and can win its traffic back. Unmeasured replicas are tried first.
import { effectiveWeight, forgetDeparted, pickLowest } from './selection';
import type { Balancer, BalancerContext, ReplicaView } from './types';

/** Weight of a new sample in the moving average. */
export const TTFT_EWMA_ALPHA = 0.3;
/** An estimate without a new sample for this long counts half; the other half is an optimistic guess (below). */
export const TTFT_ESTIMATE_HALF_LIFE_MS = 30_000;
/** The guess an ageing estimate decays to: a little better than the best replica's, so it is eventually retried. */
export const TTFT_STALE_OPTIMISM = 0.9;

interface Estimate {
  ewmaMs: number;
  sampledAt: number;
}

export function createLeastResponseTime(context: BalancerContext): Balancer {
  const estimates = new Map<string, Estimate>();

  function rawEstimate(replica: ReplicaView): number | undefined {
    return estimates.get(replica.name)?.ewmaMs ?? usable(replica.ttftEwmaMs);
  }

  function decayedEstimate(replica: ReplicaView, best: number): number {
    const own = estimates.get(replica.name);
    if (!own) return usable(replica.ttftEwmaMs) ?? best;
    const keep = freshness(context.now() - own.sampledAt);
    return keep * own.ewmaMs + (1 - keep) * best * TTFT_STALE_OPTIMISM;
  }

  return {
    id: 'least-response-time',
    pick(candidates: readonly ReplicaView[]): ReplicaView | undefined {
      let best = Number.POSITIVE_INFINITY;
      let unmeasuredIdle = false;
      for (const replica of candidates) {
        const estimate = rawEstimate(replica);
        if (estimate === undefined) unmeasuredIdle ||= replica.inflight === 0;
        else best = Math.min(best, estimate);
      }
      // A replica with no measurement and nothing in flight gets the next request, so that it gets measured.
      if (unmeasuredIdle) {
        return pickLowest(
          candidates,
          (r) => (rawEstimate(r) === undefined && r.inflight === 0 ? 0 : 1),
          context.random,
        );
      }
      // Nothing measured anywhere: least connections.
      if (best === Number.POSITIVE_INFINITY) {
        return pickLowest(candidates, (r) => r.inflight / effectiveWeight(r), context.random);
      }
      return pickLowest(
        candidates,
        (r) => (decayedEstimate(r, best) * (Math.max(0, r.inflight) + 1)) / effectiveWeight(r),
        context.random,
      );
    },
    onFinish(replica: ReplicaView, _request, outcome): void {
      const sample = usable(outcome.ttftMs);
      if (sample === undefined) return;
      const previous = estimates.get(replica.name);
      const now = context.now();
      // An old estimate carries less weight against a new sample: one fresh sample after a long pause mostly
      // replaces it (so a replica that recovered is believed after a probe or two).
      const keepOld = previous ? (1 - TTFT_EWMA_ALPHA) * freshness(now - previous.sampledAt) : 0;
      const ewmaMs = previous ? keepOld * previous.ewmaMs + (1 - keepOld) * sample : sample;
      estimates.set(replica.name, { ewmaMs, sampledAt: now });
    },
    onReplicasChanged(names: readonly string[]): void {
      forgetDeparted(estimates, names);
    },
  };
}

/** 1 for a sample just taken, halving every TTFT_ESTIMATE_HALF_LIFE_MS. */
function freshness(ageMs: number): number {
  return 2 ** (-Math.max(0, ageMs) / TTFT_ESTIMATE_HALF_LIFE_MS);
}

function usable(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
