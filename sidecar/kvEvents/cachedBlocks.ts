// One replica's prefix cache as its KV events tell it: the blocks the engine holds, each re-keyed by a hash this
// sidecar can compute itself. The engine's block hash covers the block's token ids and its parent's hash (and extras
// the sidecar cannot see); BlockStored carries the token ids and the parent, so the sidecar chains its own hash over
// token ids and answers "how many leading blocks of these tokens does the replica hold" without knowing the engine's
// hash function. `known` is false until the state is complete: from the stream's first message (sequence 0, a fresh
// engine) or an AllBlocksCleared; a sequence gap or a lost connection makes it unknown again.
import type { BlockKey, KvEvent } from './kvEventBatch';

export class CachedBlocks {
  /** Engine hash -> this sidecar's chained token hash (absent: its parent was never seen). */
  private readonly ownByEngine = new Map<BlockKey, number>();
  /** Own hash -> how many engine blocks carry it (the same tokens under different salts or media). */
  private readonly held = new Map<number, number>();
  private known = false;
  /** Tokens per block, from the first BlockStored (vLLM's --block-size, 16 by default). */
  blockSize: number | undefined;

  get isKnown(): boolean {
    return this.known;
  }

  /** Blocks held (with a resolvable chain). */
  get size(): number {
    return this.ownByEngine.size;
  }

  /** The engine (re)started or the stream was resynced: the cache is empty and every later event is seen. */
  reset(): void {
    this.ownByEngine.clear();
    this.held.clear();
    this.known = true;
  }

  /** Events were lost (a sequence gap, a reconnect): what is held can no longer be told. */
  lose(): void {
    this.ownByEngine.clear();
    this.held.clear();
    this.known = false;
  }

  apply(events: readonly KvEvent[]): void {
    for (const event of events) {
      if (event.kind === 'cleared') this.reset();
      else if (event.kind === 'removed') for (const key of event.blockHashes) this.remove(key);
      else this.store(event);
    }
  }

  /** Leading full blocks of `tokenIds` that the replica holds. */
  matchedBlocks(tokenIds: readonly number[], loraId?: number): number {
    const size = this.blockSize;
    if (!size) return 0;
    let parent = rootHash(loraId);
    let matched = 0;
    for (let end = size; end <= tokenIds.length; end += size) {
      parent = chainHash(parent, tokenIds, end - size, end);
      if (!this.held.has(parent)) break;
      matched += 1;
    }
    return matched;
  }

  private store(event: Extract<KvEvent, { kind: 'stored' }>): void {
    this.blockSize ??= event.blockSize;
    if (event.blockSize !== this.blockSize) return;
    let parent = event.parent === undefined ? rootHash(event.loraId) : this.ownByEngine.get(event.parent);
    event.blockHashes.forEach((key, i) => {
      const start = i * event.blockSize;
      if (parent === undefined || start + event.blockSize > event.tokenIds.length) return;
      parent = chainHash(parent, event.tokenIds, start, start + event.blockSize);
      if (this.ownByEngine.has(key)) return;
      this.ownByEngine.set(key, parent);
      this.held.set(parent, (this.held.get(parent) ?? 0) + 1);
    });
  }

  private remove(key: BlockKey): void {
    const own = this.ownByEngine.get(key);
    if (own === undefined) return;
    this.ownByEngine.delete(key);
    const count = (this.held.get(own) ?? 1) - 1;
    if (count <= 0) this.held.delete(own);
    else this.held.set(own, count);
  }
}

function rootHash(loraId: number | undefined): number {
  return loraId === undefined ? 0x2545f491 : (0x2545f491 ^ Math.imul(loraId, 0x9e3779b1)) >>> 0;
}

/** A 53-bit hash of tokens[start, end) chained onto `seed` (two 32-bit multiply-xor lanes). */
export function chainHash(seed: number, tokens: readonly number[], start: number, end: number): number {
  let h1 = (seed >>> 0) ^ 0xdeadbeef;
  let h2 = Math.floor(seed / 4294967296) ^ 0x41c6ce57;
  for (let i = start; i < end; i++) {
    const t = tokens[i]! | 0;
    h1 = Math.imul(h1 ^ t, 2654435761);
    h2 = Math.imul(h2 ^ t, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
