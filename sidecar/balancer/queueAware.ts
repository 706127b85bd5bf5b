// Least engine load, from each replica's own /metrics: the shared truth across every developer's sidecar.
// score = (waiting × W_WAITING + corrected running × W_RUNNING + kvCacheUsage × W_KV) / weight, where the running count
// is corrected for what happened since the scrape (engineLoad.ts: this sidecar's starts − finishes since then, divided
// by its estimated share of the traffic), so that back-to-back picks spread instead of all landing on the replica that
// looked idlest at the last scrape. When any candidate's scrape is missing or older than engineStaleAfterMs, engine
// figures are not comparable across candidates and local in-flight counts decide alone (least connections).
// (The scraper maps the old vllm:gpu_cache_usage_perc to kvCacheUsage.)
import { allEnginesFresh, EngineLoadEstimator, freshEngine, gauge } from './engineLoad';
import { effectiveWeight, pickLowest } from './selection';
import type { Balancer, BalancerContext, ReplicaView } from './types';

/** A waiting request costs a newcomer a whole prefill turn and more: it weighs most. */
export const QUEUE_WEIGHT_WAITING = 4;
/** A running request shares the batch: it slows the newcomer's decode a little. */
export const QUEUE_WEIGHT_RUNNING = 1;
/** A full KV cache (usage 1) counts like this many running requests: it means preemption and queueing soon. */
export const QUEUE_WEIGHT_KV = 8;

export interface QueueAwareBalancer extends Balancer {
  /** This sidecar's estimated share of the replicas' traffic (1 when alone). */
  readonly trafficShare: number;
}

export function createQueueAware(context: BalancerContext): QueueAwareBalancer {
  const estimator = new EngineLoadEstimator(context);

  return {
    id: 'queue-aware',
    get trafficShare() {
      return estimator.trafficShare;
    },
    pick(candidates: readonly ReplicaView[]): ReplicaView | undefined {
      if (!allEnginesFresh(candidates, context)) {
        return pickLowest(candidates, (r) => Math.max(0, r.inflight) / effectiveWeight(r), context.random);
      }
      estimator.observe(candidates);
      return pickLowest(candidates, (r) => engineScore(r, context, estimator) / effectiveWeight(r), context.random);
    },
    onStart(replica: ReplicaView): void {
      estimator.recordStart(replica.name);
    },
    onFinish(replica: ReplicaView): void {
      estimator.recordFinish(replica.name);
    },
    onReplicasChanged(names: readonly string[]): void {
      estimator.forgetDeparted(names);
    },
  };
}

/** The engine load score of a replica with a fresh scrape (not divided by weight). */
export function engineScore(replica: ReplicaView, context: BalancerContext, estimator: EngineLoadEstimator): number {
  const engine = freshEngine(replica, context);
  if (!engine) return Number.POSITIVE_INFINITY;
  return (
    gauge(engine.waiting) * QUEUE_WEIGHT_WAITING +
    estimator.running(replica, engine) * QUEUE_WEIGHT_RUNNING +
    Math.min(1, gauge(engine.kvCacheUsage)) * QUEUE_WEIGHT_KV
  );
}
