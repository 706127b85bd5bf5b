import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBalancer } from '../../../sidecar/balancer/registry';
import { counts, replica, request, testContext } from './helpers';

test('least-connections avoids busy replicas', () => {
  const balancer = createBalancer('least-connections', testContext());
  const pool = [replica('a', { inflight: 4 }), replica('b', { inflight: 1 }), replica('c', { inflight: 7 })];
  for (let i = 0; i < 100; i++) assert.equal(balancer.pick(pool, request())?.name, 'b');
});

test('least-connections breaks ties at random: every tied replica is chosen, the busy one never', () => {
  const balancer = createBalancer('least-connections', testContext(7));
  const pool = [replica('a', { inflight: 2 }), replica('b', { inflight: 5 }), replica('c', { inflight: 2 })];
  const tally = counts(Array.from({ length: 2000 }, () => balancer.pick(pool, request())?.name));
  assert.equal(tally['b'], undefined);
  assert.ok((tally['a'] ?? 0) > 800 && (tally['c'] ?? 0) > 800, JSON.stringify(tally));
});

test('least-connections divides in-flight by weight', () => {
  const balancer = createBalancer('least-connections', testContext());
  const pool = [replica('big', { weight: 4, inflight: 6 }), replica('small', { weight: 1, inflight: 2 })];
  assert.equal(balancer.pick(pool, request())?.name, 'big');
});

test('least-connections spreads a burst when picks update in-flight counts', () => {
  const balancer = createBalancer('least-connections', testContext(3));
  const pool = [replica('a'), replica('b'), replica('c')];
  for (let i = 0; i < 30; i++) {
    const name = balancer.pick(pool, request())?.name;
    const chosen = pool.find((r) => r.name === name);
    assert.ok(chosen);
    chosen.inflight += 1;
  }
  assert.deepEqual(
    pool.map((r) => r.inflight),
    [10, 10, 10],
  );
});
