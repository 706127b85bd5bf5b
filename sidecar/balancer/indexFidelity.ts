// How far a replica's prefix index is off, told by the engine's own prefix-cache counters. The index predicts, for
// each prompt this sidecar sends, how much of it the replica still holds; the engine counts what it actually found
// (vllm:prefix_cache_hits over vllm:prefix_cache_queries, every sender together). When the engine finds much less
// than the index predicted, the index believes in prefixes the engine evicted (traffic it cannot see, a cache smaller
// than published): its capacity shrinks by a factor. When the engine finds what was predicted, the factor recovers.
import { forgetDeparted } from './selection';
import type { ReplicaView } from './types';

/** The factor never goes below this (the index keeps a quarter of its sized capacity). */
export const MIN_FIDELITY = 0.25;
/** Each scrape interval whose engine hit ratio is this far below the predicted one shrinks the factor... */
export const FIDELITY_GAP = 0.15;
/** ...by this multiple; an interval within the gap grows it back by FIDELITY_RECOVERY, up to 1. */
export const FIDELITY_SHRINK = 0.8;
export const FIDELITY_RECOVERY = 1.1;
/** Intervals with fewer prompt tokens (queried by the engine, or sent by this sidecar) than this say nothing. */
export const FIDELITY_MIN_TOKENS = 4096;

interface ReplicaFidelity {
  factor: number;
  sent: number;
  predicted: number;
  scrapedAt: number;
  queries: number | undefined;
  hits: number | undefined;
}

export class IndexFidelity {
  private readonly replicas = new Map<string, ReplicaFidelity>();

  /** This sidecar sent `sentTokens` of prompt to the replica, of which its index predicted `predictedHitTokens` held. */
  recordSend(replicaName: string, sentTokens: number, predictedHitTokens: number): void {
    const r = this.entry(replicaName);
    r.sent += sentTokens;
    r.predicted += Math.min(sentTokens, predictedHitTokens);
  }

  /** The capacity factor for the replica's index, updated from a scrape newer than the last one read. */
  factor(replica: ReplicaView): number {
    const r = this.entry(replica.name);
    const engine = replica.engine;
    const queries = engine?.prefixQueries;
    const hits = engine?.prefixHits;
    if (!engine || queries === undefined || hits === undefined || !(engine.scrapedAt > r.scrapedAt)) return r.factor;
    r.scrapedAt = engine.scrapedAt;
    if (r.queries === undefined || r.hits === undefined || queries < r.queries || hits < r.hits) {
      // The first scrape read, or a restarted engine: the interval starts here.
      Object.assign(r, { sent: 0, predicted: 0, queries, hits });
      return r.factor;
    }
    const queried = queries - r.queries;
    // Too little traffic since the interval began: it goes on until there is enough to compare.
    if (queried < FIDELITY_MIN_TOKENS || r.sent < FIDELITY_MIN_TOKENS) return r.factor;
    const engineRatio = (hits - r.hits) / queried;
    const predictedRatio = r.predicted / r.sent;
    r.factor =
      engineRatio < predictedRatio - FIDELITY_GAP
        ? Math.max(MIN_FIDELITY, r.factor * FIDELITY_SHRINK)
        : Math.min(1, r.factor * FIDELITY_RECOVERY);
    Object.assign(r, { sent: 0, predicted: 0, queries, hits });
    return r.factor;
  }

  forgetDeparted(names: readonly string[]): void {
    forgetDeparted(this.replicas, names);
  }

  private entry(name: string): ReplicaFidelity {
    let r = this.replicas.get(name);
    if (!r) {
      r = {
        factor: 1,
        sent: 0,
        predicted: 0,
        scrapedAt: Number.NEGATIVE_INFINITY,
        queries: undefined,
        hits: undefined,
      };
      this.replicas.set(name, r);
    }
    return r;
  }
}
