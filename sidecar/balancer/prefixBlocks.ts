// Chained hashes of fixed-size character blocks of the rendered prompt, the approximate stand-in for vLLM's chain of
// 16-token KV blocks: block i's hash covers the whole prompt up to the end of block i, so equal hashes mean equal
// prefixes. Seeded with the model and cache_salt (vLLM salts the first block: different salts never share a cache).
import { hash53 } from './hashing';
import type { RoutedRequest } from './types';

/** Characters per block: about 32 tokens at ~4 characters per token (two vLLM blocks of 16). */
export const PREFIX_BLOCK_CHARS = 128;
/** Blocks hashed at most: 1024 × 128 = 128 Ki characters (~32K tokens); longer prompts are judged by this prefix. */
export const MAX_PREFIX_BLOCKS = 1024;

/**
 * The chained block hashes of the request's prompt. The trailing partial block counts as a block too, so that short
 * prompts still have an identity; it can only ever match an identical prompt.
 */
export function prefixBlockHashes(request: RoutedRequest): Float64Array {
  const text = request.promptText;
  const blockCount = Math.min(MAX_PREFIX_BLOCKS, Math.ceil(text.length / PREFIX_BLOCK_CHARS));
  const hashes = new Float64Array(blockCount);
  let previous = hash53(`${request.model ?? ''}\u0000${request.cacheSalt ?? ''}`);
  for (let i = 0; i < blockCount; i++) {
    const start = i * PREFIX_BLOCK_CHARS;
    previous = hash53(text, previous, start, Math.min(text.length, start + PREFIX_BLOCK_CHARS));
    hashes[i] = previous;
  }
  return hashes;
}
