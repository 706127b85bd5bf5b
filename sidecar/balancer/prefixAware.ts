// Prefix-cache affinity with a load guard. vLLM reuses KV blocks only for an identical prompt prefix, so requests that
// share a long prefix (same system prompt and history) should land where that prefix was sent before.
//
// - The prompt is cut into chained block hashes (prefixBlocks.ts), seeded with the model and cache_salt.
// - Each replica has a bounded LRU index of the block hashes this sidecar sent it; a replica's match is the longest
//   run of the request's blocks, from the first, found in its index.
// - The replica with the longest match takes the request when it covers MIN_MATCH_RATIO of the prompt.
// - Every sidecar must agree on where a prefix goes without sharing state, so a prefix this sidecar has not seen (no
//   match that long) goes by rendezvous hashing (rendezvous.ts) of its first ANCHOR_BLOCKS blocks over the candidates:
//   the same replica in every sidecar. Equal matches are also broken by the rendezvous order.
// - Load guard: the target is abandoned for the least-loaded replica when its load exceeds the least load by more than
//   IMBALANCE_ABS and by a factor IMBALANCE_REL, or when its KV cache is over KV_USAGE_LIMIT. Load is the engine's
//   waiting + running (+ requests sent since the scrape) when every candidate's scrape is fresh, else local in-flight.
//   Replicas over the KV limit are not yielded to unless all are.
import { allEnginesFresh, freshEngine, gauge, RecentStarts } from './engineLoad';
import { LruSet } from './lruSet';
import { prefixBlockHashes } from './prefixBlocks';
import { rendezvousScore, replicaIdentity } from './rendezvous';
import { effectiveWeight, forgetDeparted, pickLowest } from './selection';
import type { Balancer, BalancerContext, ReplicaView, RoutedRequest } from './types';

/** Blocks (of 128 characters) that key the cold, cross-sidecar decision: 64 × 128 = 8 KiB of prompt (~2K tokens). */
export const ANCHOR_BLOCKS = 64;
/** Below this share of the prompt matched anywhere, the request is cold and goes to the rendezvous winner. */
export const MIN_MATCH_RATIO = 0.3;
/** Block hashes remembered per replica: 16Ki × 128 characters ≈ 2 MiB of prompt ≈ 500K tokens, a GPU's KV cache. */
export const INDEX_BLOCKS_PER_REPLICA = 16_384;
/** Load guard, absolute part: the target may carry this many more requests than the least-loaded replica. */
export const IMBALANCE_ABS = 4;
/** Load guard, relative part: ...and must also exceed this multiple of the least load before affinity yields. */
export const IMBALANCE_REL = 1.5;
/** Load guard: a replica whose KV cache is fuller than this takes no affinity traffic (it would evict or preempt). */
export const KV_USAGE_LIMIT = 0.95;

export type PrefixDecision = 'affinity' | 'cold' | 'yield' | 'no-prompt';

export interface PrefixAwareBalancer extends Balancer {
  /** Why the last pick went where it did (for tests and diagnostics). */
  readonly lastDecision: PrefixDecision | undefined;
}

export function createPrefixAware(context: BalancerContext): PrefixAwareBalancer {
  const indexes = new Map<string, LruSet>();
  const recentStarts = new RecentStarts(context);
  const hashesByRequest = new WeakMap<RoutedRequest, Float64Array>();
  let lastDecision: PrefixDecision | undefined;

  function hashesOf(request: RoutedRequest): Float64Array {
    let hashes = hashesByRequest.get(request);
    if (!hashes) {
      hashes = prefixBlockHashes(request);
      hashesByRequest.set(request, hashes);
    }
    return hashes;
  }

  function matchedBlocks(replica: ReplicaView, hashes: Float64Array): number {
    const index = indexes.get(replica.name);
    if (!index) return 0;
    let matched = 0;
    while (matched < hashes.length && index.has(hashes[matched]!)) matched += 1;
    return matched;
  }

  function pick(candidates: readonly ReplicaView[], request: RoutedRequest): ReplicaView | undefined {
    if (candidates.length <= 1) return candidates[0];
    const engineFresh = allEnginesFresh(candidates, context);
    const load = (replica: ReplicaView): number => replicaLoad(replica, engineFresh, context, recentStarts);
    const hashes = hashesOf(request);
    if (hashes.length === 0) {
      lastDecision = 'no-prompt';
      return pickLowest(candidates, load, context.random);
    }

    const anchor = hashes[Math.min(hashes.length, ANCHOR_BLOCKS) - 1]!;
    const scores = candidates.map((r) => rendezvousScore(anchor, replicaIdentity(r), effectiveWeight(r)));
    let rendezvousTop = 0;
    for (let i = 1; i < candidates.length; i++) if (scores[i]! > scores[rendezvousTop]!) rendezvousTop = i;

    const matches = candidates.map((r) => matchedBlocks(r, hashes));
    let best = rendezvousTop;
    for (let i = 0; i < candidates.length; i++) {
      if (matches[i]! > matches[best]! || (matches[i] === matches[best] && scores[i]! > scores[best]!)) best = i;
    }
    let target = best;
    lastDecision = 'affinity';
    if (matches[best]! < MIN_MATCH_RATIO * hashes.length) {
      target = rendezvousTop;
      lastDecision = 'cold';
    }

    const loads = candidates.map(load);
    const kvFull = candidates.map(
      (r) => engineFresh && gauge(freshEngine(r, context)?.kvCacheUsage ?? 0) > KV_USAGE_LIMIT,
    );
    const leastLoad = Math.min(...loads);
    const targetLoad = loads[target]!;
    const imbalanced = targetLoad > leastLoad + IMBALANCE_ABS && targetLoad > IMBALANCE_REL * leastLoad;
    if (!imbalanced && !kvFull[target]) return candidates[target];

    // Yield: the least-loaded replica with KV room (any, if none has room); among equals the longest match, then the
    // rendezvous order.
    lastDecision = 'yield';
    const anyRoom = kvFull.includes(false);
    let leastEligible = Number.POSITIVE_INFINITY;
    for (let i = 0; i < candidates.length; i++) {
      if (!(anyRoom && kvFull[i])) leastEligible = Math.min(leastEligible, loads[i]!);
    }
    let chosen = -1;
    for (let i = 0; i < candidates.length; i++) {
      if ((anyRoom && kvFull[i]) || loads[i]! > leastEligible) continue;
      if (
        chosen < 0 ||
        matches[i]! > matches[chosen]! ||
        (matches[i] === matches[chosen] && scores[i]! > scores[chosen]!)
      ) {
        chosen = i;
      }
    }
    return candidates[chosen];
  }

  return {
    id: 'prefix-aware',
    get lastDecision() {
      return lastDecision;
    },
    pick,
    onStart(replica: ReplicaView, request: RoutedRequest): void {
      recentStarts.record(replica.name);
      const hashes = hashesOf(request);
      if (hashes.length === 0) return;
      let index = indexes.get(replica.name);
      if (!index) {
        index = new LruSet(INDEX_BLOCKS_PER_REPLICA);
        indexes.set(replica.name, index);
      }
      // Deepest block first, so that the shared first blocks are the most recently used and evicted last (vLLM, too,
      // evicts the ends of prompts before their shared beginnings).
      for (let i = hashes.length - 1; i >= 0; i--) index.touch(hashes[i]!);
    },
    onReplicasChanged(names: readonly string[]): void {
      forgetDeparted(indexes, names);
      recentStarts.forgetDeparted(names);
    },
  };
}

/** Requests per unit of weight: engine queue and batch when every scrape is fresh, else this sidecar's in-flight. */
function replicaLoad(
  replica: ReplicaView,
  engineFresh: boolean,
  context: BalancerContext,
  recentStarts: RecentStarts,
): number {
  const engine = engineFresh ? freshEngine(replica, context) : undefined;
  const requests = engine
    ? gauge(engine.waiting) + gauge(engine.running) + recentStarts.sinceScrape(replica, engine.scrapedAt)
    : Math.max(0, replica.inflight);
  return requests / effectiveWeight(replica);
}
