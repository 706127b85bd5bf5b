// Small deterministic non-cryptographic hashes (53-bit, cyrb53-style) for tokens, prefix blocks and seeds.

const MAX_32 = 0x100000000;

/** Hashes a list of integers, continuing from `seed` (a previous hash chains the result). */
export function hashInts(values: ArrayLike<number>, seed = 0): number {
  let h1 = 0xdeadbeef ^ (seed % MAX_32);
  let h2 = 0x41c6ce57 ^ Math.floor(seed / MAX_32);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]! | 0;
    h1 = Math.imul(h1 ^ v, 2654435761);
    h2 = Math.imul(h2 ^ v, 1597334677);
  }
  return finish(h1, h2);
}

/** Hashes a string's UTF-16 code units, continuing from `seed`. */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ (seed % MAX_32);
  let h2 = 0x41c6ce57 ^ Math.floor(seed / MAX_32);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  return finish(h1, h2);
}

function finish(a: number, b: number): number {
  let h1 = a;
  let h2 = b;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A seeded pseudo-random generator (mulberry32) giving floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = (seed ^ Math.floor(seed / MAX_32)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / MAX_32;
  };
}
