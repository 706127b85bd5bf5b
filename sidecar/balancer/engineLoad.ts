// What the replicas' own /metrics say about load, corrected for what happened since the scrape.
// Engine gauges are the shared truth (every developer's sidecar sends to the same replicas), but a scrape is up to one
// interval old. The correction is this sidecar's net change since the scrape (starts − finishes after it: exactly its
// in-flight now minus its in-flight then), divided by this sidecar's estimated share of the replicas' traffic, since
// the other sidecars, unseen, are changing the load too. A lone sidecar has share 1 and corrects by its own starts
// and finishes only; one of eight developers' sidecars counts each of its starts about eight times, so that eight
// sidecars do not all pile onto the replica that looked idlest at the last scrape.
import { forgetDeparted } from './selection';
import type { BalancerContext, EngineLoad, ReplicaView } from './types';

/** Start/finish events remembered per replica; more within one scrape interval are counted as this many. */
const EVENTS_REMEMBERED = 256;
/** The traffic share is never estimated below this (at most 16× correction). */
export const MIN_TRAFFIC_SHARE = 1 / 16;
/** A sampled traffic share at least this high: no other sender worth reading the engines for. */
export const ALONE_SHARE = 0.9;
/** Weight of each new share sample in the moving average (one sample per scrape), after a running mean of the first. */
export const TRAFFIC_SHARE_ALPHA = 0.3;
/**
 * Share samples are at least this far apart (ms): the moving average weighs one sample per periodic scrape, and a
 * placement's out-of-turn scrape (prefixAware.ts) would otherwise add samples in bursts and make it jumpy (team of 8,
 * random prompts, modelled: TTFT p90 +12 %).
 */
export const SHARE_SAMPLE_SPACING_MS = 1000;
/** Engine requests (all candidates together) below which a scrape says too little about the share to sample it. */
export const TRAFFIC_SHARE_MIN_REQUESTS = 4;

interface EventRing {
  times: Float64Array;
  /** +1 for a start, -1 for a finish. */
  deltas: Int8Array;
  next: number;
}

export class EngineLoadEstimator {
  private readonly events = new Map<string, EventRing>();
  private share = 1;
  private samples = 0;
  private lastSampledScrape = Number.NEGATIVE_INFINITY;

  constructor(private readonly context: BalancerContext) {}

  /** This sidecar's estimated share of the requests the candidates' engines carry, in [MIN_TRAFFIC_SHARE, 1]. */
  get trafficShare(): number {
    return this.share;
  }

  /** True once the scrapes have shown that this sidecar sends (nearly) everything the engines carry. */
  get knownAlone(): boolean {
    return this.samples > 0 && this.share >= ALONE_SHARE;
  }

  recordStart(replicaName: string): void {
    this.record(replicaName, 1);
  }

  recordFinish(replicaName: string): void {
    this.record(replicaName, -1);
  }

  /**
   * This sidecar's net change of requests at the replica after `since`: starts minus finishes, at most its current
   * in-flight count (a start since then that is still running is in flight).
   */
  netSince(replica: ReplicaView, since: number): number {
    const ring = this.events.get(replica.name);
    if (!ring) return 0;
    let net = 0;
    for (let i = 0; i < ring.times.length; i++) if (ring.times[i]! > since) net += ring.deltas[i]!;
    return Math.min(net, Math.max(0, replica.inflight));
  }

  /**
   * Samples the traffic share once per new set of scrapes: this sidecar's in-flight at scrape time (in-flight now
   * minus the net change since) over the engines' waiting + running. Call with candidates whose scrapes are all fresh.
   */
  observe(candidates: readonly ReplicaView[]): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const replica of candidates) oldest = Math.min(oldest, replica.engine?.scrapedAt ?? Number.NEGATIVE_INFINITY);
    if (!(oldest >= this.lastSampledScrape + SHARE_SAMPLE_SPACING_MS)) return;
    this.lastSampledScrape = oldest;
    let local = 0;
    let engine = 0;
    for (const replica of candidates) {
      const scrape = replica.engine;
      if (!scrape) return;
      local += Math.max(0, Math.max(0, replica.inflight) - this.netSince(replica, scrape.scrapedAt));
      engine += gauge(scrape.running) + gauge(scrape.waiting);
    }
    if (engine < TRAFFIC_SHARE_MIN_REQUESTS) return;
    const sample = Math.min(1, Math.max(MIN_TRAFFIC_SHARE, local / engine));
    // A running mean for the first samples (the first is taken whole), then the moving average: starting from 1 and
    // moving 30 % per scrape, one of eight sidecars took 6-8 scrapes to learn it carries an eighth, and until then it
    // under-corrected and herded with the others onto the replica that looked idlest.
    this.samples += 1;
    this.share += Math.max(TRAFFIC_SHARE_ALPHA, 1 / this.samples) * (sample - this.share);
  }

  /** Requests at the replica now as estimated: engine waiting + running + net change since the scrape / share. */
  requests(replica: ReplicaView, engine: EngineLoad): number {
    return gauge(engine.waiting) + this.running(replica, engine);
  }

  /**
   * Requests at the replica two ways, from one count of this sidecar's change since the scrape: `scaled` ÷ its share
   * (as `requests`), and `own` as is: the load guard's figure for a target this sidecar's own groups live on, where
   * the other sidecars' traffic is not moving.
   */
  requestsBoth(replica: ReplicaView, engine: EngineLoad): { scaled: number; own: number } {
    const net = this.netSince(replica, engine.scrapedAt);
    const waiting = gauge(engine.waiting);
    const running = gauge(engine.running);
    return { scaled: waiting + Math.max(0, running + net / this.share), own: waiting + Math.max(0, running + net) };
  }

  /** The running count corrected as in `requests` (waiting is left as scraped). */
  running(replica: ReplicaView, engine: EngineLoad): number {
    return Math.max(0, gauge(engine.running) + this.netSince(replica, engine.scrapedAt) / this.share);
  }

  forgetDeparted(names: readonly string[]): void {
    forgetDeparted(this.events, names);
  }

  private record(replicaName: string, delta: 1 | -1): void {
    let ring = this.events.get(replicaName);
    if (!ring) {
      ring = {
        times: new Float64Array(EVENTS_REMEMBERED).fill(Number.NEGATIVE_INFINITY),
        deltas: new Int8Array(EVENTS_REMEMBERED),
        next: 0,
      };
      this.events.set(replicaName, ring);
    }
    ring.times[ring.next] = this.context.now();
    ring.deltas[ring.next] = delta;
    ring.next = (ring.next + 1) % EVENTS_REMEMBERED;
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
