// Least engine load, from each replica's own /metrics: the shared truth across every developer's sidecar.
// score = (waiting + corrected running) / weight. The running count is corrected for what happened since
// the scrape (engineLoad.ts: this sidecar's starts − finishes since then, divided by its estimated share of the
// traffic), so back-to-back picks spread instead of all landing on the replica that looked idlest at the last scrape.
// For a lone sidecar (share 1) waiting + corrected running is its in-flight count per replica, so queue-aware is least
// connections there; in a team it counts the other sidecars' requests that least connections cannot see.
// Waiting used to weigh 4 and KV usage up to 8 requests: on a scrape up to an interval old, a queue that had drained
// since kept its replica shunned for the whole interval and the traffic herded onto the others; with long agentic
// prompts every replica's KV cache is over 90% most of the time and the stale KV term moved traffic on noise (worse
// than least connections on the agentic bench: few-large TTFT p90 2.2-3.0 s vs 2.0-2.1 s with a KV term above 90%).
// Both are gone: a full cache shows as waiting requests, which count like running ones.
// When any candidate's scrape is missing or older than engineStaleAfterMs, engine figures are not comparable across
// candidates and local in-flight counts decide alone (least connections).
// (The scraper maps the old vllm:gpu_cache_usage_perc to kvCacheUsage.)
import { allEnginesFresh, EngineLoadEstimator, freshEngine } from './engineLoad';
import { effectiveWeight, pickLowest } from './selection';
import type { Balancer, BalancerContext, ReplicaView } from './types';

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
  return estimator.requests(replica, engine);
}
