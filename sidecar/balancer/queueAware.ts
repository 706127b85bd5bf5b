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
// In a team, near-equal estimates go to the replica this sidecar sent to last: it stays there while that replica's
// estimate is within (1 − share) × STAY_MARGIN_REQUESTS of the lowest. Eight sidecars reading the same up-to-2-s-old
// scrape saw the same lowest replica and, breaking its ties at random, still leaned the same way (modelled, team of 8,
// seeds 1-24, TTFT p90: random prompts 170 ms, least connections 158; with the stay 143); each sidecar's last replica
// differs, so staying there decorrelates them, and it keeps one developer's requests where its repository prefix is
// cached. A bigger difference than the margin is trusted (ALGORITHMS.md "queue-aware score"). (1 − share) is the part
// of the load this sidecar cannot see: alone (share 1) the margin is 0 and ties stay random: least connections.
// When any candidate's scrape is missing or older than engineStaleAfterMs, engine figures are not comparable across
// candidates and local in-flight counts decide alone (least connections).
// (The scraper maps the old vllm:gpu_cache_usage_perc to kvCacheUsage.)
import { allEnginesFresh, EngineLoadEstimator, freshEngine } from './engineLoad';
import { effectiveWeight, pickLowest } from './selection';
import type { Balancer, BalancerContext, ReplicaView } from './types';

/** Near-equal estimates within this many requests × (1 − traffic share) stay on this sidecar's last replica. */
export const STAY_MARGIN_REQUESTS = 1;

export interface QueueAwareBalancer extends Balancer {
  /** This sidecar's estimated share of the replicas' traffic (1 when alone). */
  readonly trafficShare: number;
}

export function createQueueAware(context: BalancerContext): QueueAwareBalancer {
  const estimator = new EngineLoadEstimator(context);
  /** The replica of this sidecar's last start. */
  let last: string | undefined;

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
      const scores = new Map<ReplicaView, number>();
      let lowest = Number.POSITIVE_INFINITY;
      for (const r of candidates) {
        const score = engineScore(r, context, estimator) / effectiveWeight(r);
        scores.set(r, score);
        lowest = Math.min(lowest, score);
      }
      const margin = STAY_MARGIN_REQUESTS * (1 - estimator.trafficShare);
      const previous = margin > 0 ? candidates.find((r) => r.name === last) : undefined;
      if (previous && scores.get(previous)! <= lowest + margin) return previous;
      return pickLowest(candidates, (r) => scores.get(r)!, context.random);
    },
    onStart(replica: ReplicaView): void {
      last = replica.name;
      estimator.recordStart(replica.name);
    },
    onFinish(replica: ReplicaView): void {
      estimator.recordFinish(replica.name);
    },
    onReplicasChanged(names: readonly string[]): void {
      estimator.forgetDeparted(names);
      if (last !== undefined && !names.includes(last)) last = undefined;
    },
  };
}

/** The engine load score of a replica with a fresh scrape (not divided by weight). */
export function engineScore(replica: ReplicaView, context: BalancerContext, estimator: EngineLoadEstimator): number {
  const engine = freshEngine(replica, context);
  if (!engine) return Number.POSITIVE_INFINITY;
  return estimator.requests(replica, engine);
}
