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
// - Placement scrape: before a new group of repository size is placed, the replicas' /metrics are read again (at most
//   PLACEMENT_SCRAPE_WAIT_MS, only where reads are that fast), so that the groups other sidecars placed a moment ago
//   count and a team's groups do not land where their hashes fall (3-3-1-1).
// - Exact state (config kvEvents): for a replica whose KV events are followed and in sync, its match is the share
//   of the prompt's tokens (from the replica's /tokenize, fetched once in prepare) in blocks the engine holds, put on
//   the index's scale; replicas without it keep the approximate index. See exactMatch.
import { allEnginesFresh, EngineLoadEstimator, freshEngine, gauge } from './engineLoad';
import { LEAD_MESSAGE_SHARED_MAX_SHARE } from './leadMessage';
import { LruSet } from './lruSet';
import { PREFIX_BLOCK_CHARS, prefixBlockHashes } from './prefixBlocks';
import { PromptWork } from './promptWork';
import { rendezvousScore, replicaIdentity } from './rendezvous';
import { effectiveWeight, forgetDeparted, pickLowest } from './selection';
import type { Balancer, BalancerContext, ReplicaView, RoutedRequest } from './types';

export { LEAD_MESSAGE_SHARED_MAX_SHARE };

/** Blocks (of 128 characters) that key the cold, cross-sidecar decision: 64 × 128 = 8 KiB of prompt (~2K tokens). */
export const ANCHOR_BLOCKS = 64;
/**
 * Affinity needs the best match to lead the runner-up by this many blocks (4 × 128 characters ≈ 128 tokens)...
 * A smaller lead saves a few blocks of prefill, less than the balance the rendezvous spread buys.
 */
export const MIN_LEAD_BLOCKS = 4;
/** ...and by this share of the prompt; else the request is cold and goes to the rendezvous winner of its anchor. */
export const MIN_LEAD_RATIO = 0.1;
/**
 * A cold request goes to the first replica in its rendezvous order that carries at most this many more requests than
 * the least-loaded one: a difference of one is the request another sidecar (or this one) just sent, and sidecars
 * that see loads one apart should still agree.
 */
export const COLD_LOAD_MARGIN = 1;
/**
 * Block hashes remembered per replica when its KV-cache size is unknown (no vllm:cache_config_info, no cacheTokens):
 * 16Ki × 128 characters ≈ 2 MiB of prompt ≈ 500K tokens, an H100's cache for an 8B model.
 */
export const INDEX_BLOCKS_PER_REPLICA = 16_384;
/** Tokens one index block stands for: 128 characters at ~4 characters per token. */
export const TOKENS_PER_INDEX_BLOCK = 32;
/** The index never shrinks below this many blocks (a replica that publishes a tiny cache, a share near 1/16). */
export const MIN_INDEX_BLOCKS = 256;
/**
 * Load guard, absolute part: the target may carry this many more requests than the least-loaded replica. A yield
 * costs the new replica a prefill of the whole matched prefix (a conversation's history: thousands of tokens) and
 * moves the conversation, while a few more running requests only slow a continuous batch a little; AIBrix uses 8 (SMG's
 * 64 is for large data-parallel fleets). With 4, the ordinary spread of 64 sessions hashed over 4 replicas moved them.
 */
export const IMBALANCE_ABS = 8;
/** Load guard, relative part: ...and must also exceed this multiple of the least load before affinity yields. */
export const IMBALANCE_REL = 1.5;
/**
 * When no replica leads but several hold at least this share of the prompt (a conversation or a document that moved
 * once and now lives on two replicas), the request stays among those holders.
 */
export const HOLDERS_MIN_SHARE = 0.5;
/**
 * Placement of a new prefix group reads the engines' scrapes at most this old (ms); older ones are read again first
 * (`refreshEngine`, one /metrics per replica, shared by concurrent callers). The sidecars of a team place their
 * groups independently, and against one periodic scrape they all see the same idle replicas: 8 groups land where
 * their hashes fall (3-3-1-1 is common), and the lumps last as long as the groups. A scrape taken just before shows
 * the groups placed a moment ago (their requests running, their prefills counted).
 */
export const PLACEMENT_SCRAPE_MAX_AGE_MS = 100;
/**
 * ...for prompts of at least this many blocks past the shared lead (16 KiB ≈ 4K tokens: a repository context, whose
 * placement lasts; one-shot prompts are mostly shorter, and for them a read costs its wait and buys nothing)...
 */
export const PLACEMENT_SCRAPE_MIN_BLOCKS = 128;
/**
 * ...waiting at most this long for the answers (ms); a slow /metrics leaves the last scrape in use, and a replica
 * whose recent reads took longer is not read out of turn at all (the wait would be paid for nothing).
 */
export const PLACEMENT_SCRAPE_WAIT_MS = 100;
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
  const tokensByRequest = new WeakMap<RoutedRequest, readonly number[]>();
  const work = new PromptWork(context);
  let lastDecision: PrefixDecision | undefined;

  function hashesOf(request: RoutedRequest): Float64Array {
    let hashes = hashesByRequest.get(request);
    if (!hashes) {
      hashes = prefixBlockHashes(request);
      hashesByRequest.set(request, hashes);
    }
    return hashes;
  }

  function matchedBlocks(replica: ReplicaView, hashes: Float64Array, request: RoutedRequest): number {
    const exact = exactMatch(replica, tokensByRequest.get(request), hashes.length);
    if (exact !== undefined) return exact;
    return indexMatch(replica, hashes);
  }

  /** The index's capacity: sized like the replica's cache (indexCapacity) times this sidecar's share of it. */
  function capacityOf(replica: ReplicaView): number {
    // Its share of the replica's own prompt work where the engine counts it (a team member sends most of a replica's
    // traffic to its groups' replica), else of the fleet's load.
    return indexCapacity(replica, work.localShare(replica) ?? estimator.trafficShare);
  }

  /** Leading blocks of the prompt found in the replica's index (resized to its current capacity first). */
  function indexMatch(replica: ReplicaView, hashes: Float64Array): number {
    const index = indexes.get(replica.name);
    if (!index) return 0;
    index.resize(capacityOf(replica));
    let matched = 0;
    while (matched < hashes.length && index.has(hashes[matched]!)) matched += 1;
    return matched;
  }

  /**
   * Where a request with no affinity goes: the first replica in its rendezvous order that is both near the least load
   * (COLD_LOAD_MARGIN) and near the least recent prompt work (one prompt of this request's size): new prefix groups
   * go where the fewest groups live, not only where the fewest requests run at this instant.
   */
  function recentWork(candidates: readonly ReplicaView[]): number[] {
    const share = estimator.trafficShare;
    return candidates.map((r) => work.tokens(r, share) / effectiveWeight(r));
  }

  function coldTarget(
    candidates: readonly ReplicaView[],
    order: readonly number[],
    loads: readonly number[],
    blocks: number,
  ): number {
    const works = recentWork(candidates);
    const least = Math.min(...order.map((i) => loads[i]!));
    const nearLeastLoad = order.filter((i) => loads[i]! <= least + COLD_LOAD_MARGIN);
    const leastWork = Math.min(...nearLeastLoad.map((i) => works[i]!));
    const margin = (blocks * TOKENS_PER_INDEX_BLOCK) / 2;
    return nearLeastLoad.find((i) => works[i]! <= leastWork + margin) ?? nearLeastLoad[0] ?? order[0]!;
  }

  function pick(candidates: readonly ReplicaView[], request: RoutedRequest): ReplicaView | undefined {
    if (candidates.length <= 1) return candidates[0];
    const engineFresh = allEnginesFresh(candidates, context);
    if (engineFresh) estimator.observe(candidates);
    const hashes = hashesOf(request);
    if (hashes.length === 0) {
      lastDecision = 'no-prompt';
      return pickLowest(candidates, (r) => replicaLoads(r, engineFresh, context, estimator).scaled, context.random);
    }

    // Blocks presumed shared by every request (a short leading system message): they neither attract the request nor
    // key it. The anchor reaches ANCHOR_BLOCKS past them, so a team prompt does not send every new group to one place.
    const shared = sharedBlocks(request, hashes.length);
    // The request's rendezvous order: candidate indexes by descending score for its anchor.
    const anchor = hashes[Math.min(hashes.length, shared + ANCHOR_BLOCKS) - 1]!;
    const scores = candidates.map((r) => rendezvousScore(anchor, replicaIdentity(r), effectiveWeight(r)));
    const order = candidates.map((_, i) => i).sort((x, y) => scores[y]! - scores[x]! || x - y);

    const matches = candidates.map((r) => Math.max(0, matchedBlocks(r, hashes, request) - shared));
    let best = order[0]!;
    for (const i of order) if (matches[i]! > matches[best]!) best = i;
    let runnerUp = 0;
    for (let i = 0; i < candidates.length; i++) if (i !== best) runnerUp = Math.max(runnerUp, matches[i]!);
    const lead = matches[best]! - runnerUp;
    const hasAffinity = lead >= Math.max(MIN_LEAD_BLOCKS, MIN_LEAD_RATIO * hashes.length);
    // Several replicas hold most of this prompt (a conversation or document that moved once): it stays among them.
    const holders =
      !hasAffinity && matches[best]! >= Math.max(MIN_LEAD_BLOCKS, HOLDERS_MIN_SHARE * hashes.length)
        ? order.filter((i) => matches[i]! >= matches[best]! - MIN_LEAD_BLOCKS)
        : order;
    const bothLoads = candidates.map((r) => replicaLoads(r, engineFresh, context, estimator));
    const loads = bothLoads.map((l) => l.scaled);
    // Cold: near the least load and the least recent prompt work, first in the anchor's rendezvous order (coldTarget).
    // New prefix groups go where there is room (rendezvous alone put 8 groups on 4 replicas 3-3-1-1), and every
    // sidecar that sees the same scrapes (give or take the margins) makes the same choice.
    const target = hasAffinity ? best : coldTarget(candidates, holders, loads, hashes.length);
    lastDecision = hasAffinity ? 'affinity' : 'cold';
    const kvFull = candidates.map(
      (r) => engineFresh && gauge(freshEngine(r, context)?.kvCacheUsage ?? 0) > KV_USAGE_LIMIT,
    );
    // The guard counts this sidecar's own starts since the scrape once, not ÷ its share: the other sidecars are not
    // piling onto its groups' replica (they have their own groups), and scaled, two requests of one developer of
    // eight looked like 16 and moved the group off its cache (team of 8, few-large: hit 78.6 -> 84.8%, modelled).
    const guardLoads = bothLoads.map((l) => l.own);
    const guardLeast = Math.min(...guardLoads);
    const overloaded = (i: number): boolean =>
      guardLoads[i]! > guardLeast + IMBALANCE_ABS && guardLoads[i]! > IMBALANCE_REL * guardLeast;
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

  /**
   * A new prefix group (a large prompt no replica's index holds past its shared lead) is placed on fresh scrapes, unless
   * this sidecar is known to be alone (then it knows every placement already) or some replica's /metrics is slow or empty.
   */
  function wantsFreshEngine(candidates: readonly ReplicaView[], request: RoutedRequest): boolean {
    if (candidates.length <= 1 || request.fillsCache === false || estimator.knownAlone) return false;
    // Not worth reading out of turn: a replica whose reads are slower than the wait, or that was read and publishes no
    // engine metrics. One never read yet is read (a team's groups are placed in the first seconds, before scrapes).
    const readable = (r: ReplicaView) =>
      r.engineReadMs === undefined || (r.engine !== undefined && r.engineReadMs <= PLACEMENT_SCRAPE_WAIT_MS);
    if (!candidates.every(readable)) return false;
    const hashes = hashesOf(request);
    const shared = sharedBlocks(request, hashes.length);
    if (hashes.length - shared < PLACEMENT_SCRAPE_MIN_BLOCKS) return false;
    const oldest = Math.min(...candidates.map((r) => r.engine?.scrapedAt ?? Number.NEGATIVE_INFINITY));
    if (context.now() - oldest <= PLACEMENT_SCRAPE_MAX_AGE_MS) return false;
    const held = Math.max(...candidates.map((r) => matchedBlocks(r, hashes, request) - shared));
    return held < Math.max(MIN_LEAD_BLOCKS, MIN_LEAD_RATIO * hashes.length);
  }

  async function refreshForPlacement(candidates: readonly ReplicaView[], request: RoutedRequest): Promise<void> {
    if (!candidates.every((r) => r.refreshEngine !== undefined) || !wantsFreshEngine(candidates, request)) return;
    // Read the engines now; at most PLACEMENT_SCRAPE_WAIT_MS, then place with what has arrived.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, PLACEMENT_SCRAPE_WAIT_MS);
      timer.unref?.();
    });
    await Promise.race([Promise.all(candidates.map((r) => r.refreshEngine?.())), timeout]);
    clearTimeout(timer);
  }

  /** Token ids for exact matching (config kvEvents), from a replica whose events are followed. */
  async function fetchTokens(candidates: readonly ReplicaView[], request: RoutedRequest): Promise<void> {
    const body = request.tokenizeBody;
    const exact = candidates.find((r) => r.exactCache?.known);
    // A salted prompt's blocks are hashed apart from everyone else's; its events do not say which salt they carry.
    if (!body || request.cacheSalt !== undefined || !exact?.exactCache || tokensByRequest.has(request)) return;
    const ids = await exact.exactCache.tokenIds(body);
    if (ids) tokensByRequest.set(request, ids);
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
    async prepare(candidates: readonly ReplicaView[], request: RoutedRequest): Promise<void> {
      await Promise.all([refreshForPlacement(candidates, request), fetchTokens(candidates, request)]);
    },
    wantsFreshEngine,
    onStart(replica: ReplicaView, request: RoutedRequest): void {
      estimator.recordStart(replica.name);
      // count_tokens and /tokenize: routed like generation, but the engine caches nothing for them.
      if (request.fillsCache === false) return;
      const hashes = hashesOf(request);
      if (hashes.length === 0) return;
      let index = indexes.get(replica.name);
      if (!index) {
        index = new LruSet(capacityOf(replica));
        indexes.set(replica.name, index);
      }
      // The prompt work to count is what the engine will prefill (and write into its cache): the blocks past the
      // leading run it already holds, as the engine's own counters count it (queries − hits).
      let held = 0;
      while (held < hashes.length && index.has(hashes[held]!)) held += 1;
      work.recordSend(replica.name, (hashes.length - held) * TOKENS_PER_INDEX_BLOCK);
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
      work.forgetDeparted(names);
    },
  };
}

/**
 * Index blocks for a replica, sized like its KV cache: capacity (published, else configured) ÷ tokens per block,
 * times this sidecar's traffic share. The engine evicts by the traffic of every sidecar together, so a sidecar that
 * sends an eighth of it sees its own prefixes evicted after an eighth of the blocks it sent. Unknown capacity: the
 * H100-sized default.
 */
export function indexCapacity(replica: ReplicaView, trafficShare: number): number {
  const tokens = replica.cacheTokens;
  if (tokens === undefined || !Number.isFinite(tokens) || tokens <= 0) return INDEX_BLOCKS_PER_REPLICA;
  const share = Number.isFinite(trafficShare) ? Math.min(1, Math.max(0, trafficShare)) : 1;
  return Math.max(MIN_INDEX_BLOCKS, Math.floor((tokens / TOKENS_PER_INDEX_BLOCK) * share));
}

/**
 * A replica's match from its KV events, in index blocks: the share of the prompt's tokens in leading blocks the engine
 * holds, times the prompt's index blocks (so exact and approximate replicas compare on one scale). Undefined when the
 * replica has no in-sync event stream or the prompt's tokens are unknown (then the approximate index decides). The
 * tokens come from one replica's tokenizer: the replicas of a pool serve one model.
 */
export function exactMatch(
  replica: ReplicaView,
  tokenIds: readonly number[] | undefined,
  indexBlocks: number,
): number | undefined {
  const cache = replica.exactCache;
  if (!cache?.known || !tokenIds || tokenIds.length === 0 || !cache.blockSize) return undefined;
  const tokens = cache.matchedBlocks(tokenIds) * cache.blockSize;
  return Math.floor((tokens / tokenIds.length) * indexBlocks);
}

/** Whole blocks of a leading system message presumed shared by every request (see LEAD_MESSAGE_SHARED_MAX_SHARE). */
export function sharedBlocks(request: RoutedRequest, blockCount: number): number {
  const chars = request.leadMessageChars;
  if (chars === undefined || !(chars > 0) || chars > LEAD_MESSAGE_SHARED_MAX_SHARE * request.promptText.length)
    return 0;
  return Math.min(blockCount - 1, Math.floor(chars / PREFIX_BLOCK_CHARS));
}

/**
 * Requests per unit of weight: engine queue and batch when every scrape is fresh, corrected by this sidecar's net
 * change since the scrape, ÷ its traffic share (`scaled`: the unseen sidecars are moving too, for placing new work)
 * and as is (`own`); else this sidecar's in-flight, both ways.
 */
function replicaLoads(
  replica: ReplicaView,
  engineFresh: boolean,
  context: BalancerContext,
  estimator: EngineLoadEstimator,
): { scaled: number; own: number } {
  const weight = effectiveWeight(replica);
  const engine = engineFresh ? freshEngine(replica, context) : undefined;
  if (!engine) {
    const local = Math.max(0, replica.inflight) / weight;
    return { scaled: local, own: local };
  }
  const both = estimator.requestsBoth(replica, engine);
  return { scaled: both.scaled / weight, own: both.own / weight };
}
