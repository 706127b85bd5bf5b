// Deterministic, seedable 53-bit string hashing (two 32-bit lanes, murmur-style finaliser), the same in every process.
// 53 bits keep the result an exact JavaScript number, usable as a Map key without BigInt or string allocation.

const TWO_POW_32 = 4294967296;
const HIGH_MASK = 0x1fffff; // 21 high bits on top of 32 low bits

/** Hash of `text` (or of text[start, end)), seeded with a previous 53-bit hash so that hashes can be chained. */
export function hash53(text: string, seed = 0, start = 0, end = text.length): number {
  let lo = ((seed % TWO_POW_32) >>> 0) ^ 0x9e3779b9;
  let hi = Math.floor(seed / TWO_POW_32) ^ 0x7f4a7c15;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    lo = Math.imul(lo ^ code, 0x01000193);
    hi = Math.imul(hi ^ code, 0x5bd1e995);
  }
  const length = end - start;
  lo = fmix32(lo ^ length ^ Math.imul(hi, 0x85ebca6b));
  hi = fmix32(hi ^ Math.imul(lo, 0xc2b2ae35));
  return (hi & HIGH_MASK) * TWO_POW_32 + (lo >>> 0);
}

/** Mixes two 53-bit hashes into a uniform 32-bit unsigned integer (for rings and rendezvous scores). */
export function combine32(a: number, b: number): number {
  const aLo = (a % TWO_POW_32) >>> 0;
  const aHi = Math.floor(a / TWO_POW_32);
  const bLo = (b % TWO_POW_32) >>> 0;
  const bHi = Math.floor(b / TWO_POW_32);
  let h = fmix32(aLo ^ Math.imul(bLo, 0xcc9e2d51));
  h = fmix32(h ^ Math.imul(aHi + 0x1b873593, 0x85ebca6b) ^ bHi);
  return fmix32(h ^ bLo ^ Math.imul(bHi, 0xe6546b64)) >>> 0;
}

/** The murmur3 32-bit finaliser: full avalanche of a 32-bit state. */
export function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
