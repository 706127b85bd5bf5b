import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueueAwareBalancer } from '../../../sidecar/balancer/queueAware';
import { createBalancer } from '../../../sidecar/balancer/registry';
import type { EngineLoad } from '../../../sidecar/balancer/types';
import { counts, finish, replica, replicas, request, send, testContext } from './helpers';

function scrape(at: number, running: number, waiting: number, kvCacheUsage = 0.3): EngineLoad {
  return { running, waiting, kvCacheUsage, scrapedAt: at };
}

test('queue-aware follows the engine load, not this sidecar’s counts', () => {
  const context = testContext(51);
  const balancer = createBalancer('queue-aware', context);
  const now = context.now();
  // This sidecar has most in flight on c, but other developers keep a and b busy.
  const pool = [
    replica('a', { inflight: 0, engine: scrape(now, 20, 3) }),
    replica('b', { inflight: 1, engine: scrape(now, 18, 0) }),
    replica('c', { inflight: 4, engine: scrape(now, 6, 0) }),
  ];
  assert.equal(balancer.pick(pool, request())?.name, 'c');
  pool[2]!.engine = scrape(now, 6, 6, 0.99); // a queue counts
  pool[1]!.engine = scrape(now, 10, 0, 0.2);
  assert.equal(balancer.pick(pool, request())?.name, 'b');
  pool[1]!.engine = scrape(now, 10, 5, 0.2);
  assert.equal(balancer.pick(pool, request())?.name, 'c');
});

test('queue-aware spreads back-to-back picks between scrapes', () => {
  const context = testContext(52);
  const balancer = createBalancer('queue-aware', context);
  const pool = replicas(3, { engine: scrape(context.now(), 4, 0, 0.4) });
  pool[0]!.engine = scrape(context.now(), 1, 0, 0.4);
  // A lone sidecar: the engines carry its own requests only (share 1, each start counts once).
  pool.forEach((r) => {
    r.inflight = r.engine!.running;
  });
  const picks: string[] = [];
  for (let i = 0; i < 12; i++) {
    context.advance(10);
    picks.push(send(balancer, pool).name);
  }
  const tally = counts(picks);
  // r0 starts 3 lighter: it takes the first 3, then all take turns (each gets 3 more).
  assert.deepEqual(tally, { r0: 6, r1: 3, r2: 3 });
  assert.deepEqual(picks.slice(0, 3), ['r0', 'r0', 'r0']);
});

test('queue-aware: requests that finished, or started before the scrape, are not counted twice', () => {
  const context = testContext(53);
  const balancer = createBalancer('queue-aware', context);
  const pool = replicas(2, { engine: scrape(context.now() - 1000, 5, 0) });
  const req = request();
  // Three requests to r0 before its scrape; they are in the engine's running count already.
  for (let i = 0; i < 3; i++) {
    pool[0]!.inflight += 1;
    balancer.onStart?.(pool[0]!, req);
  }
  context.advance(500);
  pool[0]!.engine = scrape(context.now(), 5, 0);
  pool[1]!.engine = scrape(context.now(), 6, 0);
  assert.equal(balancer.pick(pool, req)?.name, 'r0');
  // One sent after the scrape and finished: no load any more.
  context.advance(10);
  const sent = send(balancer, pool, req);
  assert.equal(sent.name, 'r0');
  finish(balancer, sent, req);
  for (let i = 0; i < 3; i++) pool[0]!.inflight -= 1;
  // r0: 5 running + 0 still in flight since the scrape < r1: 6.
  assert.equal(balancer.pick(pool, req)?.name, 'r0');
});

test('queue-aware falls back to local in-flight counts when a scrape is stale or missing', () => {
  const context = testContext(54);
  const balancer = createBalancer('queue-aware', context);
  const pool = [
    replica('a', { inflight: 3, engine: scrape(context.now(), 0, 0, 0) }),
    replica('b', { inflight: 0, engine: scrape(context.now(), 30, 10, 0.9) }),
  ];
  assert.equal(balancer.pick(pool, request())?.name, 'a');
  context.advance(context.engineStaleAfterMs + 1);
  assert.equal(balancer.pick(pool, request())?.name, 'b', 'stale: local counts decide');
  pool[0]!.engine = scrape(context.now(), 0, 0, 0);
  assert.equal(balancer.pick(pool, request())?.name, 'b', 'one stale scrape is enough to fall back');
  pool[1]!.engine = undefined;
  assert.equal(balancer.pick(pool, request())?.name, 'b', 'missing: local counts decide');
});

test('queue-aware divides load by weight', () => {
  const context = testContext(55);
  const balancer = createBalancer('queue-aware', context);
  const pool = [
    replica('big', { weight: 3, engine: scrape(context.now(), 20, 0, 0.3) }),
    replica('small', { weight: 1, engine: scrape(context.now(), 8, 0, 0.3) }),
  ];
  assert.equal(balancer.pick(pool, request())?.name, 'big');
});

test('queue-aware in a team: a sidecar with an eighth of the traffic counts its starts eight-fold and does not herd', () => {
  const context = testContext(56);
  const balancer = createBalancer('queue-aware', context) as QueueAwareBalancer;
  const pool = replicas(3, { inflight: 1 });
  // Scrapes every 2 s: the engines carry 8 requests each, this sidecar 1 of them: share 1/8.
  for (let round = 0; round < 15; round++) {
    context.advance(2000);
    for (const r of pool) r.engine = scrape(context.now(), 8, 0, 0.4);
    balancer.pick(pool, request());
  }
  assert.ok(Math.abs(balancer.trafficShare - 1 / 8) < 0.02, `share ${balancer.trafficShare}`);
  // r0 looks 4 lighter at the next scrape; one start there stands for about 8 across the team.
  context.advance(2000);
  for (const r of pool) r.engine = scrape(context.now(), r.name === 'r0' ? 4 : 8, 0, 0.4);
  context.advance(10);
  assert.equal(send(balancer, pool).name, 'r0');
  context.advance(10);
  assert.notEqual(send(balancer, pool).name, 'r0', 'the second pick already goes elsewhere');
});

test('queue-aware counts a waiting request like a running one, and no KV term: a stale scrape does not shun', () => {
  const context = testContext(55);
  const balancer = createBalancer('queue-aware', context);
  const now = context.now();
  // a had 3 waiting at the scrape (they may have started since); b carries more requests in all.
  const pool = [replica('a', { engine: scrape(now, 1, 3) }), replica('b', { engine: scrape(now, 5, 0) })];
  assert.equal(balancer.pick(pool, request())?.name, 'a');
  // KV usage is no score of its own (a full cache shows as waiting requests).
  pool[0]!.engine = scrape(now, 4, 0, 0.99);
  pool[1]!.engine = scrape(now, 5, 0, 0.3);
  assert.equal(balancer.pick(pool, request())?.name, 'a');
});

test('queue-aware in a team: near-equal estimates stay on this sidecar’s last replica; a bigger gap still moves it', () => {
  const context = testContext(57);
  const balancer = createBalancer('queue-aware', context) as QueueAwareBalancer;
  // The engines carry 25 requests, this sidecar 3 of them: share 0.12, margin 0.88 request.
  const pool = [
    replica('a', { inflight: 1, engine: scrape(context.now(), 8, 0) }),
    replica('b', { inflight: 1, engine: scrape(context.now(), 8, 0) }),
    replica('c', { inflight: 1, engine: scrape(context.now(), 9, 0) }),
  ];
  balancer.pick(pool, request());
  assert.ok(Math.abs(balancer.trafficShare - 0.12) < 1e-9, `share ${balancer.trafficShare}`);
  // This sidecar's last request went to b and has finished: a and b are level again.
  context.advance(10);
  pool[1]!.inflight += 1;
  balancer.onStart?.(pool[1]!, request());
  context.advance(10);
  finish(balancer, pool[1]!, request());
  // A random tie-break would send about half to a, as every other sidecar reading this scrape would.
  const picks = Array.from({ length: 20 }, () => balancer.pick(pool, request())?.name);
  assert.deepEqual(counts(picks), { b: 20 });
  // b is 2 requests above a at the next scrape: more than staleness explains, so the engine decides.
  context.advance(2000);
  pool[0]!.engine = scrape(context.now(), 8, 0);
  pool[1]!.engine = scrape(context.now(), 10, 0);
  pool[2]!.engine = scrape(context.now(), 9, 0);
  assert.equal(balancer.pick(pool, request())?.name, 'a');
});

test('queue-aware alone: ties stay random after a start and finish (least connections in effect)', () => {
  const context = testContext(58);
  const balancer = createBalancer('queue-aware', context) as QueueAwareBalancer;
  // A lone sidecar: the engines carry exactly its in-flight requests (share 1).
  const pool = [
    replica('a', { inflight: 2, engine: scrape(context.now(), 2, 0) }),
    replica('b', { inflight: 2, engine: scrape(context.now(), 2, 0) }),
  ];
  balancer.pick(pool, request());
  assert.equal(balancer.trafficShare, 1);
  context.advance(10);
  pool[1]!.inflight += 1;
  balancer.onStart?.(pool[1]!, request());
  context.advance(10);
  finish(balancer, pool[1]!, request());
  const tally = counts(Array.from({ length: 40 }, () => balancer.pick(pool, request())?.name));
  assert.ok((tally.a ?? 0) > 5 && (tally.b ?? 0) > 5, JSON.stringify(tally));
});
