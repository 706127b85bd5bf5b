// Prefix-cache affinity with a load guard. vLLM reuses KV blocks only for an identical prompt prefix, so requests that
// share a long prefix (same system prompt and history) should land where that prefix was sent before.
//
// - The prompt is cut into chained block hashes (prefixBlocks.ts), seeded with the model and cache_salt.
// - Each replica has a bounded LRU index of the block hashes this sidecar sent it; a replica's match is the longest
//   run of the request's blocks, from the first, found in its index.
// - Only the part of the best match that is longer than the runner-up's match says where this request belongs: a
//   prefix that several replicas hold (a shared system prompt) is no reason to pick one of them. The best replica
//   takes the request (affinity) when its lead is at least MIN_LEAD_BLOCKS and MIN_LEAD_RATIO of the prompt.
// - Otherwise the request is cold: it goes to the rendezvous winner (rendezvous.ts) of its anchor, the hash of its
//   first ANCHOR_BLOCKS blocks, over the candidates: the same replica in every sidecar, and different conversations
//   (whose anchors include their first user message) spread over the replicas.
// - Load guard: the target is abandoned when its load exceeds the least load by more than IMBALANCE_ABS and by a
//   factor IMBALANCE_REL, or when its KV cache is over KV_USAGE_LIMIT. It yields along the request's own rendezvous
//   order: the first replica in that order that is neither overloaded nor KV-full. That is the same replica in every
//   sidecar that sees the same loads, and different requests yield to different replicas (no herd onto the least
//   loaded). Load is the engine's waiting + running corrected since the scrape (engineLoad.ts) when every
//   candidate's scrape is fresh, else local in-flight.
import { allEnginesFresh, EngineLoadEstimator, freshEngine, gauge } from './engineLoad';
import { LruSet } from './lruSet';
import { prefixBlockHashes } from './prefixBlocks';
import { rendezvousScore, replicaIdentity } from './rendezvous';
import { effectiveWeight, forgetDeparted, pickLowest } from './selection';
import type { Balancer, BalancerContext, ReplicaView, RoutedRequest } from './types';

/** Blocks (of 128 characters) that key the cold, cross-sidecar decision: 64 × 128 = 8 KiB of prompt (~2K tokens). */
export const ANCHOR_BLOCKS = 64;
/**
 * Affinity needs the best match to lead the runner-up by this many blocks (4 × 128 characters ≈ 128 tokens)...
 * A smaller lead saves a few blocks of prefill, less than the balance the rendezvous spread buys.
 */
export const MIN_LEAD_BLOCKS = 4;
/** ...and by this share of the prompt; else the request is cold and goes to the rendezvous winner of its anchor. */
export const MIN_LEAD_RATIO = 0.1;
/** Block hashes remembered per replica: 16Ki × 128 characters ≈ 2 MiB of prompt ≈ 500K tokens, a GPU's KV cache. */
export const INDEX_BLOCKS_PER_REPLICA = 16_384;
/**
 * Load guard, absolute part: the target may carry this many more requests than the least-loaded replica. A yield
 * costs the new replica a prefill of the whole matched prefix (a conversation's history: thousands of tokens) and
 * moves the conversation, while a few more running requests only slow a continuous batch a little; AIBrix uses 8 (SMG's
 * 64 is for large data-parallel fleets). With 4, the ordinary spread of 64 sessions hashed over 4 replicas moved them.
 */
export const IMBALANCE_ABS = 8;
/** Load guard, relative part: ...and must also exceed this multiple of the least load before affinity yields. */
export const IMBALANCE_REL = 1.5;
/** Load guard: a replica whose KV cache is fuller than this takes no affinity traffic (it would evict or preempt). */
export const KV_USAGE_LIMIT = 0.95;

export type PrefixDecision = 'affinity' | 'cold' | 'yield' | 'no-prompt';

export interface PrefixAwareBalancer extends Balancer {
  /** Why the last pick went where it did (for tests and diagnostics). */
  readonly lastDecision: PrefixDecision | undefined;
  /** This sidecar's estimated share of the replicas' traffic (1 when alone). */
  readonly trafficShare: number;
}

export function createPrefixAware(context: BalancerContext): PrefixAwareBalancer {
  const indexes = new Map<string, LruSet>();
  const estimator = new EngineLoadEstimator(context);
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
    if (engineFresh) estimator.observe(candidates);
    const load = (replica: ReplicaView): number => replicaLoad(replica, engineFresh, context, estimator);
    const hashes = hashesOf(request);
    if (hashes.length === 0) {
      lastDecision = 'no-prompt';
      return pickLowest(candidates, load, context.random);
    }

    // The request's rendezvous order: candidate indexes by descending score for its anchor.
    const anchor = hashes[Math.min(hashes.length, ANCHOR_BLOCKS) - 1]!;
    const scores = candidates.map((r) => rendezvousScore(anchor, replicaIdentity(r), effectiveWeight(r)));
    const order = candidates.map((_, i) => i).sort((x, y) => scores[y]! - scores[x]! || x - y);

    const matches = candidates.map((r) => matchedBlocks(r, hashes));
    let best = order[0]!;
    for (const i of order) if (matches[i]! > matches[best]!) best = i;
    let runnerUp = 0;
    for (let i = 0; i < candidates.length; i++) if (i !== best) runnerUp = Math.max(runnerUp, matches[i]!);
    const lead = matches[best]! - runnerUp;
    const hasAffinity = lead >= Math.max(MIN_LEAD_BLOCKS, MIN_LEAD_RATIO * hashes.length);
    const target = hasAffinity ? best : order[0]!;
    lastDecision = hasAffinity ? 'affinity' : 'cold';

    const loads = candidates.map(load);
    const kvFull = candidates.map(
      (r) => engineFresh && gauge(freshEngine(r, context)?.kvCacheUsage ?? 0) > KV_USAGE_LIMIT,
    );
    const leastLoad = Math.min(...loads);
    const overloaded = (i: number): boolean =>
      loads[i]! > leastLoad + IMBALANCE_ABS && loads[i]! > IMBALANCE_REL * leastLoad;
    if (!overloaded(target) && !kvFull[target]) return candidates[target];

    // Yield along the rendezvous order: the first replica neither overloaded nor KV-full.
    lastDecision = 'yield';
    for (const i of order) if (i !== target && !overloaded(i) && !kvFull[i]) return candidates[i];
    // Every replica that is not overloaded is KV-full (or the target is the only one): the least loaded with KV room,
    // any if none has room; ties in rendezvous order.
    const anyRoom = kvFull.includes(false);
    let chosen = -1;
    for (const i of order) {
      if (anyRoom && kvFull[i]) continue;
      if (chosen < 0 || loads[i]! < loads[chosen]!) chosen = i;
    }
    return candidates[chosen];
  }

  return {
    id: 'prefix-aware',
    get lastDecision() {
      return lastDecision;
    },
    get trafficShare() {
      return estimator.trafficShare;
    },
    pick,
    onStart(replica: ReplicaView, request: RoutedRequest): void {
      estimator.recordStart(replica.name);
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
    onFinish(replica: ReplicaView): void {
      estimator.recordFinish(replica.name);
    },
    onReplicasChanged(names: readonly string[]): void {
      forgetDeparted(indexes, names);
      estimator.forgetDeparted(names);
    },
  };
}

/** Requests per unit of weight: engine queue and batch when every scrape is fresh, else this sidecar's in-flight. */
function replicaLoad(
  replica: ReplicaView,
  engineFresh: boolean,
  context: BalancerContext,
  estimator: EngineLoadEstimator,
): number {
  const engine = engineFresh ? freshEngine(replica, context) : undefined;
  const requests = engine ? estimator.requests(replica, engine) : Math.max(0, replica.inflight);
  return requests / effectiveWeight(replica);
}
