import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TTFT_ESTIMATE_HALF_LIFE_MS } from '../../../sidecar/balancer/leastResponseTime';
import { createBalancer } from '../../../sidecar/balancer/registry';
import { counts, finish, type MutableReplica, replica, request, send, testContext } from './helpers';

/**
 * Runs a closed loop of `concurrency` outstanding requests: each round, the oldest request finishes with its
 * replica's current TTFT and a new one is sent. Returns the replicas chosen.
 */
function closedLoop(
  balancer: ReturnType<typeof createBalancer>,
  pool: MutableReplica[],
  ttftOf: (name: string) => number,
  rounds: number,
  advance: (ms: number) => void,
  concurrency = 4,
): string[] {
  const chosen: string[] = [];
  const outstanding: MutableReplica[] = [];
  const req = request();
  for (let i = 0; i < rounds; i++) {
    if (outstanding.length >= concurrency) {
      const done = outstanding.shift()!;
      finish(balancer, done, req, { ok: true, ttftMs: ttftOf(done.name) });
    }
    const sent = send(balancer, pool, req);
    outstanding.push(sent);
    chosen.push(sent.name);
    advance(100);
  }
  while (outstanding.length > 0) finish(balancer, outstanding.shift()!, req, { ok: true, ttftMs: ttftOf('x') });
  return chosen;
}

test('least-response-time tries unmeasured replicas first', () => {
  const balancer = createBalancer('least-response-time', testContext(21));
  const pool = [replica('a'), replica('b'), replica('c')];
  const first = [send(balancer, pool), send(balancer, pool), send(balancer, pool)].map((r) => r.name).sort();
  assert.deepEqual(first, ['a', 'b', 'c']);
});

test('least-response-time: a replica that gets slow loses traffic and wins it back when fast again', () => {
  const context = testContext(22);
  const balancer = createBalancer('least-response-time', context);
  const pool = [replica('a'), replica('b'), replica('c')];
  const ttft: Record<string, number> = { a: 100, b: 100, c: 100 };
  const advance = (ms: number) => context.advance(ms);

  const warm = counts(closedLoop(balancer, pool, (n) => ttft[n] ?? 100, 600, advance));
  for (const name of ['a', 'b', 'c']) assert.ok((warm[name] ?? 0) > 120, `even at first: ${JSON.stringify(warm)}`);

  ttft['b'] = 1500;
  const slow = counts(closedLoop(balancer, pool, (n) => ttft[n] ?? 100, 600, advance).slice(100));
  assert.ok((slow['b'] ?? 0) < 25, `slow b loses traffic: ${JSON.stringify(slow)}`);

  ttft['b'] = 100;
  // b gets no samples while it is avoided; its estimate ages towards the best one, it is retried, and measured fast.
  context.advance(4 * TTFT_ESTIMATE_HALF_LIFE_MS);
  const recovered = counts(closedLoop(balancer, pool, (n) => ttft[n] ?? 100, 900, advance).slice(300));
  assert.ok((recovered['b'] ?? 0) > 120, `b recovers: ${JSON.stringify(recovered)}`);
});

test('least-response-time weighs in-flight: a fast but busy replica yields to a slower idle one', () => {
  const context = testContext(23);
  const balancer = createBalancer('least-response-time', context);
  const fast = replica('fast');
  const slow = replica('slow');
  const req = request();
  balancer.onFinish?.(fast, req, { ok: true, ttftMs: 100 });
  balancer.onFinish?.(slow, req, { ok: true, ttftMs: 250 });
  assert.equal(balancer.pick([fast, slow], req)?.name, 'fast');
  fast.inflight = 3; // 100 × 4 = 400 > 250 × 1
  assert.equal(balancer.pick([fast, slow], req)?.name, 'slow');
});

test('least-response-time uses the view average when it has no sample of its own', () => {
  const balancer = createBalancer('least-response-time', testContext(24));
  const pool = [replica('a', { ttftEwmaMs: 300 }), replica('b', { ttftEwmaMs: 80 })];
  assert.equal(balancer.pick(pool, request())?.name, 'b');
});
