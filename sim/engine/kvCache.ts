// The KV cache as vLLM V1 keeps it: fixed-size blocks, full prompt blocks registered under a chained hash, and
// blocks whose last user left kept (still hittable) in an LRU queue until an allocation evicts them.
import { hashInts, hashString } from '../hash';

const NO_HASH = -1;

/** Chained hashes of a prompt's full blocks: each covers its block's tokens and, through its parent, all before. */
export function blockHashes(tokens: readonly number[], blockSize: number, salt?: string): number[] {
  const hashes: number[] = [];
  let parent = salt ? hashString(salt) : 0;
  for (let end = blockSize; end <= tokens.length; end += blockSize) {
    parent = hashInts(tokens.slice(end - blockSize, end), parent);
    hashes.push(parent);
  }
  return hashes;
}

/** What the cache did to its prefix blocks, as vLLM's KV events tell it (BlockStored / BlockRemoved). */
export type KvCacheEvent =
  | { kind: 'stored'; hash: number; parent: number | undefined; tokenIds: readonly number[] }
  | { kind: 'removed'; hash: number };

export class KvCache {
  /** Set to receive an event for each block registered under a hash and each such block evicted. */
  onEvent: ((event: KvCacheEvent) => void) | undefined;

  private readonly refCount: Int32Array;
  private readonly hashOf: Float64Array;
  private readonly byHash = new Map<number, number>();
  /** Free blocks that still hold a cached prefix, least recently freed first (Map keeps insertion order). */
  private readonly freeCached = new Map<number, true>();
  /** Free blocks holding nothing reusable. */
  private readonly empty: number[] = [];

  constructor(
    readonly numBlocks: number,
    readonly blockSize: number,
  ) {
    this.refCount = new Int32Array(numBlocks);
    this.hashOf = new Float64Array(numBlocks).fill(NO_HASH);
    for (let b = numBlocks - 1; b >= 0; b--) this.empty.push(b);
  }

  get numFree(): number {
    return this.empty.length + this.freeCached.size;
  }

  /** Fraction of blocks in use by requests (vllm:kv_cache_usage_perc). */
  get usage(): number {
    return this.numBlocks === 0 ? 0 : 1 - this.numFree / this.numBlocks;
  }

  /** Number of leading hashes (at most `maxBlocks`) whose blocks are cached. */
  lookup(hashes: readonly number[], maxBlocks: number): number {
    let hits = 0;
    while (hits < Math.min(maxBlocks, hashes.length) && this.byHash.has(hashes[hits]!)) hits++;
    return hits;
  }

  /** Takes a reference on the first `count` cached blocks of the chain (they leave the free queue). */
  touch(hashes: readonly number[], count: number): number[] {
    const blocks: number[] = [];
    for (let i = 0; i < count; i++) {
      const block = this.byHash.get(hashes[i]!);
      if (block === undefined) throw new Error('KvCache.touch: block is not cached');
      if (this.refCount[block] === 0) this.freeCached.delete(block);
      this.refCount[block]!++;
      blocks.push(block);
    }
    return blocks;
  }

  /** Allocates `count` blocks, evicting the least recently freed cached blocks if needed; undefined if too few. */
  allocate(count: number): number[] | undefined {
    if (count > this.numFree) return undefined;
    const blocks: number[] = [];
    for (let i = 0; i < count; i++) {
      let block = this.empty.pop();
      if (block === undefined) {
        block = this.freeCached.keys().next().value as number;
        this.freeCached.delete(block);
        const evicted = this.hashOf[block]!;
        this.byHash.delete(evicted);
        this.hashOf[block] = NO_HASH;
        this.onEvent?.({ kind: 'removed', hash: evicted });
      }
      this.refCount[block] = 1;
      blocks.push(block);
    }
    return blocks;
  }

  /**
   * Records that `block` now holds the prefix ending in `hash` (the first block with a given hash wins). `parent`
   * (the previous block's hash, undefined for a first block) and `tokenIds` (the block's tokens) go into the event.
   */
  register(block: number, hash: number, parent?: number, tokenIds: readonly number[] = []): void {
    if (this.hashOf[block] !== NO_HASH || this.byHash.has(hash)) return;
    this.hashOf[block] = hash;
    this.byHash.set(hash, block);
    this.onEvent?.({ kind: 'stored', hash, parent, tokenIds });
  }

  isRegistered(block: number): boolean {
    return this.hashOf[block] !== NO_HASH;
  }

  /** Drops one reference on each block, last block first, so the deepest blocks are evicted first. */
  free(blocks: readonly number[]): void {
    for (let i = blocks.length - 1; i >= 0; i--) {
      const block = blocks[i]!;
      if (this.refCount[block]! <= 0) throw new Error('KvCache.free: block is already free');
      this.refCount[block]!--;
      if (this.refCount[block] !== 0) continue;
      if (this.hashOf[block] !== NO_HASH) this.freeCached.set(block, true);
      else this.empty.push(block);
    }
  }
}
