// Prompt work per replica, decayed: how much prompt each replica has prefilled lately, for every sender together. It
// stands for the replica's cache footprint (what its cache holds is what it wrote lately) and, unlike load, it does
// not vanish between a group's requests, so new prefix groups can be placed where the fewest live. Prefilled, not
// looked up: a group's cached re-sends cost the engine little and add nothing to its cache, so counting them made a
// replica with one busy group look fuller than one with two quiet ones.
// Source: the engine's vllm:prefix_cache_queries_total − vllm:prefix_cache_hits_total (cumulative; queries alone where
// hits are not published), the same figures in every sidecar; between scrapes, plus what this sidecar sent since that
// its index does not hold, ÷ its traffic share. Without the counters, this sidecar's own sends ÷ its share. Before the
// counters' first reading, this sidecar's own sends.
import { forgetDeparted } from './selection';
import type { BalancerContext, EngineLoad, ReplicaView } from './types';

/** Decay time constant: work older than about a minute no longer says where groups live. */
export const WORK_DECAY_MS = 60_000;
/**
 * A send still counts as this sidecar's own for this long after a scrape that followed it (ms): the engine counts a
 * prompt when it schedules its prefill, not when it arrives, so a scrape taken right after a send (a placement's
 * out-of-turn scrape) did not count it yet, and the replica just given a new group looked empty to the next one.
 * Counted twice for at most this long when the engine did count it: a little more work where a group just went.
 */
export const PENDING_SEND_MS = 1000;
/** localShare needs this much recent prompt work (tokens) at the replica to say anything. */
export const LOCAL_SHARE_MIN_TOKENS = 4096;

interface ReplicaWork {
  /** Decayed engine work at `engineAt` (tokens), from the counter. */
  engine: number;
  engineAt: number;
  lastQueries: number | undefined;
  /** Decayed work this sidecar sent (tokens), at `localAt`. */
  local: number;
  localAt: number;
  /** This sidecar's sends after the last scrape: [time, tokens]. */
  sinceScrape: Array<[number, number]>;
}

export class PromptWork {
  private readonly work = new Map<string, ReplicaWork>();

  constructor(private readonly context: BalancerContext) {}

  /** Records prompt tokens this sidecar sent to the replica. */
  recordSend(replicaName: string, tokens: number): void {
    const w = this.entry(replicaName);
    const now = this.context.now();
    w.local = decay(w.local, now - w.localAt) + tokens;
    w.localAt = now;
    w.sinceScrape.push([now, tokens]);
    if (w.sinceScrape.length > 4096) w.sinceScrape.splice(0, w.sinceScrape.length - 4096);
  }

  /** Decayed prompt tokens the replica was given lately (all senders), as estimated now. */
  tokens(replica: ReplicaView, trafficShare: number): number {
    const w = this.entry(replica.name);
    const now = this.context.now();
    const share = Math.max(1 / 16, Math.min(1, trafficShare));
    const engine = replica.engine;
    const queries = prefilled(engine);
    if (engine === undefined || queries === undefined || !Number.isFinite(queries)) {
      return decay(w.local, now - w.localAt) / share;
    }
    if (engine.scrapedAt > w.engineAt) {
      const grown = w.lastQueries !== undefined && queries >= w.lastQueries ? queries - w.lastQueries : 0;
      // The counter's first reading says nothing about the work before it: what this sidecar sent before it stands in
      // (else the sends before the first scrape vanished, and the next new group went where they were).
      w.engine =
        w.lastQueries === undefined
          ? sentBefore(w, engine.scrapedAt)
          : decay(w.engine, engine.scrapedAt - w.engineAt) + grown;
      w.engineAt = engine.scrapedAt;
      w.lastQueries = queries;
      w.sinceScrape = w.sinceScrape.filter(([at]) => at > engine.scrapedAt - PENDING_SEND_MS);
    }
    let since = 0;
    for (const [at, tokens] of w.sinceScrape) if (at > w.engineAt - PENDING_SEND_MS) since += tokens;
    return decay(w.engine, now - w.engineAt) + since / share;
  }

  /**
   * The engine's figure alone (decayed counter growth up to the last scrape), without this sidecar's sends since: the
   * same in every sidecar that read the same scrapes. Undefined without the counter.
   */
  engineTokens(replica: ReplicaView): number | undefined {
    const queries = prefilled(replica.engine);
    if (queries === undefined || !Number.isFinite(queries)) return undefined;
    this.tokens(replica, 1);
    const w = this.entry(replica.name);
    return decay(w.engine, this.context.now() - w.engineAt);
  }

  /**
   * This sidecar's share of the replica's recent prompt work: its own decayed sends over the engine's decayed counter
   * growth. A team member's traffic goes mostly to its groups' replicas, so its share there is far above its share of
   * the fleet. Undefined without the counter or before the engine counted LOCAL_SHARE_MIN_TOKENS.
   */
  localShare(replica: ReplicaView): number | undefined {
    const engine = this.engineTokens(replica);
    if (engine === undefined) return undefined;
    const w = this.entry(replica.name);
    const local = decay(w.local, this.context.now() - w.localAt);
    if (Math.max(engine, local) < LOCAL_SHARE_MIN_TOKENS) return undefined;
    return Math.min(1, local / Math.max(engine, local));
  }

  forgetDeparted(names: readonly string[]): void {
    forgetDeparted(this.work, names);
  }

  private entry(name: string): ReplicaWork {
    let w = this.work.get(name);
    if (!w) {
      const now = this.context.now();
      w = {
        engine: 0,
        engineAt: Number.NEGATIVE_INFINITY,
        lastQueries: undefined,
        local: 0,
        localAt: now,
        sinceScrape: [],
      };
      this.work.set(name, w);
    }
    return w;
  }
}

function decay(value: number, ageMs: number): number {
  return ageMs <= 0 ? value : value * Math.exp(-ageMs / WORK_DECAY_MS);
}

/**
 * The engine counter PromptWork follows: prompt tokens the engine prefilled, vllm:prefix_cache_queries_total minus
 * vllm:prefix_cache_hits_total (both cumulative), or the queries alone where hits are not published.
 */
function prefilled(engine: EngineLoad | undefined): number | undefined {
  const queries = engine?.prefixQueries;
  if (queries === undefined) return undefined;
  const hits = engine?.prefixHits;
  return hits === undefined || !Number.isFinite(hits) ? queries : queries - hits;
}

/** This sidecar's sends recorded up to `at`, decayed to `at`. */
function sentBefore(w: ReplicaWork, at: number): number {
  let sum = 0;
  for (const [sentAt, tokens] of w.sinceScrape) if (sentAt <= at) sum += decay(tokens, at - sentAt);
  return sum;
}
