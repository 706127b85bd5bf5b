import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALGORITHM_IDS } from '../../../core/protocol';
import { createBalancer, defaultBalancerContext } from '../../../sidecar/balancer/registry';
import { finish, type MutableReplica, replica, request, seededRandom, testContext } from './helpers';

test('the registry makes every algorithm of the contract, under its own id', () => {
  for (const id of ALGORITHM_IDS) {
    assert.equal(createBalancer(id, defaultBalancerContext()).id, id);
  }
  assert.throws(() => createBalancer('fastest' as never, defaultBalancerContext()));
  assert.equal(defaultBalancerContext().engineStaleAfterMs, 4000);
  assert.equal(defaultBalancerContext(2000).engineStaleAfterMs, 4000);
  assert.equal(defaultBalancerContext(10_000).engineStaleAfterMs, 20_000);
});

test('no balancer ever returns a replica outside the candidates, whatever the pool does', () => {
  const random = seededRandom(61);
  const names = Array.from({ length: 8 }, (_, i) => `gpu-${i}`);
  for (const id of ALGORITHM_IDS) {
    const context = testContext(62);
    const balancer = createBalancer(id, context);
    const all = names.map((name) => replica(name));
    const open: { replica: MutableReplica; req: ReturnType<typeof request> }[] = [];
    for (let step = 0; step < 3000; step++) {
      context.advance(Math.floor(random() * 300));
      // A random non-empty subset of the pool, in random order, with random weights and engine scrapes.
      const candidates = all.filter(() => random() < 0.6);
      if (candidates.length === 0) candidates.push(all[Math.floor(random() * all.length)]!);
      candidates.sort(() => random() - 0.5);
      for (const r of candidates) {
        r.weight = random() < 0.1 ? 0 : 1 + Math.floor(random() * 3);
        r.engine =
          random() < 0.2
            ? undefined
            : {
                running: Math.floor(random() * 20),
                waiting: Math.floor(random() * 5),
                kvCacheUsage: random(),
                scrapedAt: context.now() - Math.floor(random() * 8000),
              };
        r.ttftEwmaMs = random() < 0.3 ? undefined : 50 + random() * 500;
      }
      const req = request({
        sessionKey: random() < 0.3 ? `s${Math.floor(random() * 50)}` : undefined,
        promptText: random() < 0.1 ? '' : `prompt ${Math.floor(random() * 40)} `.repeat(1 + Math.floor(random() * 200)),
      });
      const picked = balancer.pick(candidates, req);
      assert.ok(
        picked !== undefined && candidates.includes(picked as MutableReplica),
        `${id} picked outside the candidates`,
      );
      const sent = picked as MutableReplica;
      sent.inflight += 1;
      balancer.onStart?.(sent, req);
      open.push({ replica: sent, req });
      while (open.length > 20 || (open.length > 0 && random() < 0.4)) {
        const done = open.splice(Math.floor(random() * open.length), 1)[0]!;
        finish(balancer, done.replica, done.req, { ok: random() < 0.9, ttftMs: 20 + random() * 900 });
      }
      if (step % 500 === 499) balancer.onReplicasChanged?.(names.filter(() => random() < 0.8));
    }
  }
});

test('a single candidate is always taken, however loaded', () => {
  for (const id of ALGORITHM_IDS) {
    const balancer = createBalancer(id, testContext(63));
    const only = replica('only', { inflight: 100, ttftEwmaMs: 10_000 });
    assert.equal(balancer.pick([only], request({ promptText: 'x'.repeat(500) })), only, id);
  }
});
