// What the replicas' own /metrics say about load, corrected for the requests this sidecar sent since the scrape.
// Engine gauges are the shared truth (every developer's sidecar sends to the same replicas), but a scrape is up to one
// interval old: requests started after it are not in it yet, so back-to-back picks would all land on the same replica.
import { forgetDeparted } from './selection';
import type { BalancerContext, EngineLoad, ReplicaView } from './types';

/** Start times remembered per replica; more starts than this within one scrape interval are counted as this many. */
const STARTS_REMEMBERED = 128;

export class RecentStarts {
  private readonly starts = new Map<string, { times: Float64Array; next: number }>();

  constructor(private readonly context: BalancerContext) {}

  record(replicaName: string): void {
    let ring = this.starts.get(replicaName);
    if (!ring) {
      ring = { times: new Float64Array(STARTS_REMEMBERED).fill(Number.NEGATIVE_INFINITY), next: 0 };
      this.starts.set(replicaName, ring);
    }
    ring.times[ring.next] = this.context.now();
    ring.next = (ring.next + 1) % STARTS_REMEMBERED;
  }

  /**
   * Requests sent to the replica after `since` that may still be in flight: starts after `since`, at most the
   * replica's current in-flight count (those that already finished are no load).
   */
  sinceScrape(replica: ReplicaView, since: number): number {
    const ring = this.starts.get(replica.name);
    if (!ring) return 0;
    let count = 0;
    for (const time of ring.times) if (time > since) count += 1;
    return Math.min(count, Math.max(0, replica.inflight));
  }

  forgetDeparted(names: readonly string[]): void {
    forgetDeparted(this.starts, names);
  }
}

/** The engine scrape if it is fresh enough to trust, else undefined. */
export function freshEngine(replica: ReplicaView, context: BalancerContext): EngineLoad | undefined {
  const engine = replica.engine;
  if (!engine) return undefined;
  const age = context.now() - engine.scrapedAt;
  return age <= context.engineStaleAfterMs ? engine : undefined;
}

/** True when every candidate has a fresh scrape, so engine figures can be compared across all of them. */
export function allEnginesFresh(candidates: readonly ReplicaView[], context: BalancerContext): boolean {
  for (const replica of candidates) if (!freshEngine(replica, context)) return false;
  return true;
}

/** A finite, non-negative figure from a scrape (a missing or broken gauge counts as 0). */
export function gauge(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
