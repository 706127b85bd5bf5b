import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockHashes, KvCache } from '../../../sim/engine/kvCache';

const seq = (n: number, start = 0) => Array.from({ length: n }, (_, i) => start + i);

test('block hashes are chained: a change in an early block changes every later hash', () => {
  const a = blockHashes(seq(64), 16);
  const changed = seq(64);
  changed[3] = 999;
  const b = blockHashes(changed, 16);
  assert.equal(a.length, 4);
  for (let i = 0; i < 4; i++) assert.notEqual(a[i], b[i]);
  const sameStart = blockHashes([...seq(32), ...seq(32, 500)], 16);
  assert.deepEqual(sameStart.slice(0, 2), a.slice(0, 2));
  assert.notEqual(sameStart[2], a[2]);
});

test('only full blocks are hashed, and a salt isolates the chain', () => {
  assert.equal(blockHashes(seq(47), 16).length, 2);
  assert.notEqual(blockHashes(seq(16), 16, 'tenant-a')[0], blockHashes(seq(16), 16)[0]);
});

test('freed blocks stay cached until an allocation evicts the least recently freed', () => {
  const cache = new KvCache(4, 16);
  const hashesA = blockHashes(seq(32), 16);
  const hashesB = blockHashes(seq(32, 100), 16);
  const a = cache.allocate(2)!;
  for (const [i, block] of a.entries()) cache.register(block, hashesA[i]!);
  cache.free(a);
  const b = cache.allocate(2)!;
  for (const [i, block] of b.entries()) cache.register(block, hashesB[i]!);
  cache.free(b);
  assert.equal(cache.usage, 0);
  assert.equal(cache.lookup(hashesA, 10), 2);
  assert.equal(cache.lookup(hashesB, 10), 2);
  // A hit takes the blocks out of the free queue: usage rises.
  const touched = cache.touch(hashesA, 2);
  assert.equal(cache.usage, 0.5);
  cache.free(touched);
  // A was freed after B this time, so allocating 2 evicts B's blocks (deepest first) and keeps A.
  const c = cache.allocate(2)!;
  assert.equal(cache.lookup(hashesA, 10), 2);
  assert.equal(cache.lookup(hashesB, 10), 0);
  cache.free(c);
});

test('allocation fails, without side effects, when too few blocks are free', () => {
  const cache = new KvCache(3, 16);
  const held = cache.allocate(2)!;
  assert.equal(cache.allocate(2), undefined);
  assert.equal(cache.numFree, 1);
  cache.free(held);
  assert.equal(cache.numFree, 3);
  assert.throws(() => cache.free(held));
});
