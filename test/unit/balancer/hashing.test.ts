import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hash53 } from '../../../sidecar/balancer/hashing';
import { LruSet } from '../../../sidecar/balancer/lruSet';
import { prefixBlockHashes } from '../../../sidecar/balancer/prefixBlocks';
import { request } from './helpers';

test('hashes are fixed values: every sidecar (and every version) must compute the same ones', () => {
  // If these change, sidecars of different versions stop agreeing on prefix placement: change them on purpose only.
  assert.equal(hash53(''), 555782243138727);
  assert.equal(hash53('hello'), 327916212547714);
  assert.equal(hash53('hello', 12345), 7863236882388527);
  const blocks = prefixBlockHashes(request({ model: 'llama', promptText: 'a'.repeat(300), cacheSalt: 'salt' }));
  assert.deepEqual(Array.from(blocks), [2535985276193483, 193889414551099, 3432395218940291]);
});

test('block hashes are chained: equal hashes mean equal prefixes, model and salt included', () => {
  const base = request({ model: 'llama', promptText: `${'x'.repeat(256)}tail one` });
  const other = request({ model: 'llama', promptText: `${'x'.repeat(256)}tail two` });
  const a = prefixBlockHashes(base);
  const b = prefixBlockHashes(other);
  assert.equal(a.length, 3);
  assert.equal(a[0], b[0]);
  assert.equal(a[1], b[1]);
  assert.notEqual(a[2], b[2]);
  // A different first block changes every later hash, even where the text is equal.
  const shifted = prefixBlockHashes(request({ model: 'llama', promptText: `y${'x'.repeat(255)}tail one` }));
  assert.notEqual(shifted[1], a[1]);
  assert.notEqual(shifted[2], a[2]);
  assert.notEqual(prefixBlockHashes(request({ model: 'qwen', promptText: base.promptText }))[0], a[0]);
  assert.notEqual(prefixBlockHashes({ ...base, cacheSalt: 'tenant' })[0], a[0]);
  assert.equal(prefixBlockHashes(request({ promptText: '' })).length, 0);
  assert.equal(prefixBlockHashes(request({ promptText: 'z'.repeat(10_000_000) })).length, 1024, 'bounded');
});

test('the LRU set stays within its capacity and evicts the least recently used', () => {
  const lru = new LruSet(3);
  for (const key of [1, 2, 3]) lru.touch(key);
  lru.touch(1); // 2 is now the oldest
  lru.touch(4);
  assert.equal(lru.size, 3);
  assert.equal(lru.has(2), false);
  assert.ok(lru.has(1) && lru.has(3) && lru.has(4));
  for (let key = 10; key < 10_000; key++) lru.touch(key);
  assert.equal(lru.size, 3);
});
