import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBalancer } from '../../../sidecar/balancer/registry';
import { counts, replica, request, testContext } from './helpers';

test('power-of-two never picks the one strictly most loaded replica', () => {
  const balancer = createBalancer('power-of-two', testContext(11));
  const pool = [replica('a'), replica('b'), replica('busy', { inflight: 5 })];
  const tally = counts(Array.from({ length: 3000 }, () => balancer.pick(pool, request())?.name));
  assert.equal(tally['busy'], undefined);
  // The two idle ones tie whenever they are drawn together, and each wins against the busy one: about half each.
  assert.ok((tally['a'] ?? 0) > 1300 && (tally['b'] ?? 0) > 1300, JSON.stringify(tally));
});

test('power-of-two with loads 1, 2, 3 picks them about 2/3, 1/3, never', () => {
  const balancer = createBalancer('power-of-two', testContext(12));
  const pool = [replica('one', { inflight: 1 }), replica('two', { inflight: 2 }), replica('three', { inflight: 3 })];
  const picks = 6000;
  const tally = counts(Array.from({ length: picks }, () => balancer.pick(pool, request())?.name));
  assert.equal(tally['three'], undefined);
  // 'one' wins both pairs it is drawn in (2 of the 3 pairs); 'two' wins only against 'three'.
  assert.ok(Math.abs((tally['one'] ?? 0) / picks - 2 / 3) < 0.03, JSON.stringify(tally));
  assert.ok(Math.abs((tally['two'] ?? 0) / picks - 1 / 3) < 0.03, JSON.stringify(tally));
});

test('power-of-two draws two distinct replicas: with two, the less loaded always wins', () => {
  const balancer = createBalancer('power-of-two', testContext(13));
  const pool = [replica('idle'), replica('busy', { inflight: 1 })];
  for (let i = 0; i < 500; i++) assert.equal(balancer.pick(pool, request())?.name, 'idle');
});

test('power-of-two compares in-flight per unit of weight', () => {
  const balancer = createBalancer('power-of-two', testContext(14));
  const pool = [replica('big', { weight: 4, inflight: 6 }), replica('small', { inflight: 2 })];
  for (let i = 0; i < 100; i++) assert.equal(balancer.pick(pool, request())?.name, 'big');
});

test('power-of-two with one candidate returns it', () => {
  const balancer = createBalancer('power-of-two', testContext(15));
  const only = replica('only', { inflight: 9 });
  assert.equal(balancer.pick([only], request()), only);
});
