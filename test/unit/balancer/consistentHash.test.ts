import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOAD_BOUND_FACTOR, MIN_BOUND_HEADROOM } from '../../../sidecar/balancer/consistentHash';
import { createBalancer } from '../../../sidecar/balancer/registry';
import { counts, finish, type MutableReplica, replica, replicas, request, send, testContext } from './helpers';

const KEYS = 10_000;
const sessions = Array.from({ length: KEYS }, (_, i) => request({ sessionKey: `session-${i}` }));

function assignment(pool: MutableReplica[], seed = 31): string[] {
  const balancer = createBalancer('consistent-hash', testContext(seed));
  return sessions.map((req) => balancer.pick(pool, req)?.name ?? '');
}

test('consistent-hash keeps a key on its replica, in any instance, in any candidate order', () => {
  const pool = replicas(4);
  const first = assignment(pool);
  assert.deepEqual(assignment(pool, 99), first);
  assert.deepEqual(assignment([...pool].reverse()), first);
});

test('consistent-hash spreads keys evenly (within 15% of the fair share with 160 virtual nodes per replica)', () => {
  const tally = counts(assignment(replicas(5)));
  for (const [name, count] of Object.entries(tally)) {
    assert.ok(Math.abs(count - KEYS / 5) < 0.15 * (KEYS / 5), `${name}: ${count} of ${KEYS}`);
  }
});

test('consistent-hash: when one of N replicas leaves only its keys move, about 1/N of all', () => {
  for (const n of [3, 5, 8]) {
    const pool = replicas(n);
    const before = assignment(pool);
    const leaving = pool[1]!.name;
    const after = assignment(pool.filter((r) => r.name !== leaving));
    let moved = 0;
    for (let i = 0; i < KEYS; i++) {
      if (before[i] !== after[i]) {
        moved += 1;
        assert.equal(before[i], leaving, 'a key of a replica that stayed moved');
      }
    }
    const share = moved / KEYS;
    assert.ok(
      share > 0.6 / n && share < 1.4 / n,
      `n=${n}: ${(share * 100).toFixed(1)}% moved, expected ~${(100 / n).toFixed(1)}%`,
    );
  }
});

test('consistent-hash: a replica that joins takes about 1/(N+1) of the keys, all from the others', () => {
  const pool = replicas(5);
  const before = assignment(pool.slice(0, 4));
  const after = assignment(pool);
  let moved = 0;
  for (let i = 0; i < KEYS; i++) {
    if (before[i] !== after[i]) {
      moved += 1;
      assert.equal(after[i], 'r4');
    }
  }
  assert.ok(moved / KEYS > 0.12 && moved / KEYS < 0.28, `${moved} moved`);
});

test('consistent-hash follows weights', () => {
  const pool = [replica('heavy', { weight: 3 }), replica('light1'), replica('light2')];
  const tally = counts(assignment(pool));
  const heavyShare = (tally['heavy'] ?? 0) / KEYS;
  assert.ok(heavyShare > 0.5 && heavyShare < 0.7, `heavy share ${heavyShare}`);
});

test('consistent-hash with bounded load: one hot key cannot take more than c times a fair share', () => {
  const balancer = createBalancer('consistent-hash', testContext(32));
  const pool = replicas(4);
  const hot = request({ sessionKey: 'the-one-busy-agent' });
  const home = balancer.pick(pool, hot)?.name;
  const sent = Array.from({ length: 40 }, () => send(balancer, pool, hot));
  const total = 40;
  const cap = Math.ceil((LOAD_BOUND_FACTOR * total) / pool.length);
  for (const r of pool) assert.ok(r.inflight <= cap, `${r.name} has ${r.inflight} in flight, cap ${cap}`);
  // The home replica is filled to its bound first; overflow walks the ring.
  assert.equal(pool.find((r) => r.name === home)?.inflight, cap);
  for (const r of sent) finish(balancer, r, hot);
  assert.equal(balancer.pick(pool, hot)?.name, home, 'back home once load is gone');
});

test('consistent-hash at low load: a key keeps MIN_BOUND_HEADROOM concurrent requests more than its fair share home', () => {
  const balancer = createBalancer('consistent-hash', testContext(35));
  const pool = replicas(4);
  const key = request({ sessionKey: 'agent-with-parallel-tool-calls' });
  const home = balancer.pick(pool, key)?.name;
  // Nothing else in flight: the fair share of the (n + 1)th request is (n + 1) / 4, below 1 for the first three.
  // c × that rounds up to 1, which alone would spill the second request; the floor keeps 1 + headroom home.
  const sent = Array.from({ length: 1 + MIN_BOUND_HEADROOM }, () => send(balancer, pool, key));
  for (const r of sent) assert.equal(r.name, home);
  const spilled = send(balancer, pool, key);
  assert.notEqual(spilled.name, home, 'the bound still holds beyond the headroom');
  // With other keys in flight the floor is the fair share rounded up plus the headroom.
  for (const r of [...sent, spilled]) finish(balancer, r, key);
  for (const r of pool) r.inflight = r.name === home ? 3 : 1;
  assert.equal(balancer.pick(pool, key)?.name, home, '3 + 1 <= max(ceil(1.25 × 7 / 4), ceil(7 / 4) + 2) = 4');
  for (const r of pool) if (r.name === home) r.inflight = 4;
  assert.notEqual(balancer.pick(pool, key)?.name, home, '4 + 1 > max(ceil(1.25 × 8 / 4), ceil(8 / 4) + 2) = 4');
});

test('consistent-hash keys by session, else by the start of the prompt', () => {
  const balancer = createBalancer('consistent-hash', testContext(33));
  const pool = replicas(8);
  const system = 'You are a careful assistant. '.repeat(60);
  const a = balancer.pick(pool, request({ promptText: `${system}first question` }));
  const b = balancer.pick(pool, request({ promptText: `${system}another question` }));
  assert.equal(a, b, 'same first 1 KiB of prompt, same replica');
  const bySession = new Set(
    Array.from({ length: 64 }, (_, i) => balancer.pick(pool, request({ sessionKey: `s${i}`, promptText: system }))),
  );
  assert.ok(bySession.size >= 6, 'the session key wins over the prompt');
});

test('consistent-hash without session or prompt falls back to least connections', () => {
  const balancer = createBalancer('consistent-hash', testContext(34));
  const pool = replicas(3);
  pool[0]!.inflight = 2;
  pool[1]!.inflight = 1;
  const tally = counts(Array.from({ length: 200 }, () => balancer.pick(pool, request())?.name));
  assert.deepEqual(tally, { r2: 200 });
});

test('consistent-hash keys past a shared team prompt: different first user messages spread', async () => {
  const { toRoutedRequest } = await import('../../../sidecar/balancer/routedRequest');
  const { requestKeyHash } = await import('../../../sidecar/balancer/consistentHash');
  const teamPrompt = { role: 'system', content: 'You are a coding agent. '.repeat(200) };
  const ask = (question: string, system = teamPrompt) =>
    toRoutedRequest({ model: 'm', messages: [system, { role: 'user', content: question.repeat(400) }] }, {});
  const keys = new Set(Array.from({ length: 20 }, (_, i) => requestKeyHash(ask(`question ${i} `))));
  assert.equal(keys.size, 20);
  const pool = replicas(4);
  const balancer = createBalancer('consistent-hash', testContext(5));
  const names = new Set(Array.from({ length: 20 }, (_, i) => balancer.pick(pool, ask(`question ${i} `))?.name));
  assert.ok(names.size >= 3, `20 conversations on ${names.size} replicas`);
  // A long system message (a shared document with a short question) is the request's identity.
  const document = { role: 'system', content: 'the document '.repeat(2000) };
  assert.equal(requestKeyHash(ask('a', document)), requestKeyHash(ask('a', document)));
  assert.notEqual(requestKeyHash(ask('question A ')), requestKeyHash(ask('question B ')));
});
