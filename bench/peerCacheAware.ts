// The open peer: the cache-aware policy that the SGLang router (sgl-model-gateway, `--policy cache_aware`, its
// default) and vllm-project/router publish, implemented here from its description, not from its code:
// - one approximate prefix tree per worker, built only from what the router sent there (HTTP mode: raw characters);
// - the system is imbalanced when (max load − min load) > balance_abs_threshold AND max load > balance_rel_threshold ×
//   min load, load being the router's own in-flight count per worker; then the request goes to the least-loaded worker;
// - otherwise, if the best match covers more than cache_threshold of the request's text, to the best-matching worker,
//   else to the worker with the smallest tree (the most cache room);
// - the chosen worker's tree takes the text; trees larger than max_tree_size are trimmed from their least recently
//   used leaves every eviction_interval.
// Documented defaults (sgl-project/sglang docs/advanced_features/sgl_model_gateway.md, router arguments table):
// --cache-threshold 0.3, --balance-abs-threshold 64, --balance-rel-threshold 1.5, --eviction-interval-secs 120,
// --max-tree-size 67108864 (2^26). With these defaults a bench run of a few hundred requests never trims a tree.
//
// The tree is kept at a granularity of TREE_BLOCK_CHARS characters (chained hashes of fixed blocks stand in for the
// radix tree's nodes: equal chains are equal prefixes); match length and tree size are counted in characters.
import { hash53 } from '../sidecar/balancer/hashing';

export const PEER_DEFAULTS = {
  cacheThreshold: 0.3,
  balanceAbsThreshold: 64,
  balanceRelThreshold: 1.5,
  evictionIntervalMs: 120_000,
  maxTreeSize: 67_108_864,
} as const;

/** Characters per tree node: fine enough that the match rate is the radix tree's within a fraction of a percent. */
export const TREE_BLOCK_CHARS = 16;

interface WorkerTree {
  /** Block hash -> last access (ms); insertion order is not kept, eviction sorts by access time. */
  blocks: Map<number, number>;
  inflight: number;
}

export interface PeerDecision {
  worker: number;
  reason: 'imbalanced' | 'cache-hit' | 'smallest-tree';
}

export class CacheAwarePeer {
  private readonly trees: WorkerTree[];
  private lastEviction: number;

  constructor(
    workers: number,
    private readonly now: () => number = () => performance.now(),
    private readonly settings: typeof PEER_DEFAULTS = PEER_DEFAULTS,
  ) {
    this.trees = Array.from({ length: workers }, () => ({ blocks: new Map(), inflight: 0 }));
    this.lastEviction = now();
  }

  /** Tree size of a worker in characters. */
  treeChars(worker: number): number {
    return this.trees[worker]!.blocks.size * TREE_BLOCK_CHARS;
  }

  inflight(worker: number): number {
    return this.trees[worker]!.inflight;
  }

  /** Chooses a worker for the text, inserts the text into its tree and counts the request in flight there. */
  route(text: string): PeerDecision {
    this.evictIfDue();
    const hashes = blockHashes(text);
    const loads = this.trees.map((t) => t.inflight);
    const max = Math.max(...loads);
    const min = Math.min(...loads);
    let decision: PeerDecision;
    if (max - min > this.settings.balanceAbsThreshold && max > this.settings.balanceRelThreshold * min) {
      decision = { worker: loads.indexOf(min), reason: 'imbalanced' };
    } else {
      let best = 0;
      let bestMatch = -1;
      this.trees.forEach((tree, i) => {
        let matched = 0;
        while (matched < hashes.length && tree.blocks.has(hashes[matched]!)) matched++;
        if (matched > bestMatch) {
          bestMatch = matched;
          best = i;
        }
      });
      const matchRate = text.length === 0 ? 0 : Math.min(text.length, bestMatch * TREE_BLOCK_CHARS) / text.length;
      if (matchRate > this.settings.cacheThreshold) decision = { worker: best, reason: 'cache-hit' };
      else {
        let smallest = 0;
        for (let i = 1; i < this.trees.length; i++)
          if (this.trees[i]!.blocks.size < this.trees[smallest]!.blocks.size) smallest = i;
        decision = { worker: smallest, reason: 'smallest-tree' };
      }
    }
    const tree = this.trees[decision.worker]!;
    const at = this.now();
    for (const hash of hashes) tree.blocks.set(hash, at);
    tree.inflight++;
    return decision;
  }

  finish(worker: number): void {
    const tree = this.trees[worker]!;
    tree.inflight = Math.max(0, tree.inflight - 1);
  }

  private evictIfDue(): void {
    const at = this.now();
    if (at - this.lastEviction < this.settings.evictionIntervalMs) return;
    this.lastEviction = at;
    const maxBlocks = Math.floor(this.settings.maxTreeSize / TREE_BLOCK_CHARS);
    for (const tree of this.trees) {
      if (tree.blocks.size <= maxBlocks) continue;
      const byAge = [...tree.blocks.entries()].sort((a, b) => a[1] - b[1]);
      for (const [hash] of byAge.slice(0, tree.blocks.size - maxBlocks)) tree.blocks.delete(hash);
    }
  }
}

function blockHashes(text: string): number[] {
  const hashes: number[] = [];
  let previous = 0;
  for (let start = 0; start < text.length; start += TREE_BLOCK_CHARS) {
    previous = hash53(text, previous, start, Math.min(text.length, start + TREE_BLOCK_CHARS));
    hashes.push(previous);
  }
  return hashes;
}
