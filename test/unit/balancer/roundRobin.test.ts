import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBalancer } from '../../../sidecar/balancer/registry';
import { counts, replica, request, testContext } from './helpers';

test('smooth weighted round robin: weights 5/1/1 give the nginx sequence a a b a c a a', () => {
  const balancer = createBalancer('round-robin', testContext());
  const pool = [replica('a', { weight: 5 }), replica('b', { weight: 1 }), replica('c', { weight: 1 })];
  const picks = Array.from({ length: 14 }, () => balancer.pick(pool, request())?.name);
  assert.deepEqual(picks, ['a', 'a', 'b', 'a', 'c', 'a', 'a', 'a', 'a', 'b', 'a', 'c', 'a', 'a']);
});

test('equal weights take turns', () => {
  const balancer = createBalancer('round-robin', testContext());
  const pool = [replica('a'), replica('b'), replica('c')];
  const picks = Array.from({ length: 6 }, () => balancer.pick(pool, request())?.name);
  assert.deepEqual(picks, ['a', 'b', 'c', 'a', 'b', 'c']);
});

test('shares follow weights when the candidate set changes', () => {
  const balancer = createBalancer('round-robin', testContext());
  const a = replica('a', { weight: 3 });
  const b = replica('b', { weight: 1 });
  const c = replica('c', { weight: 2 });
  for (let i = 0; i < 5; i++) balancer.pick([a, b, c], request());
  balancer.onReplicasChanged?.(['a', 'b']);
  const picks = Array.from({ length: 400 }, () => balancer.pick([a, b], request())?.name);
  const tally = counts(picks);
  // The carried-over current weights shift the phase by at most one pick.
  assert.ok(
    Math.abs((tally['a'] ?? 0) - 300) <= 1 && (tally['a'] ?? 0) + (tally['b'] ?? 0) === 400,
    JSON.stringify(tally),
  );
});
