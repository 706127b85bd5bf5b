import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ANCHOR_BLOCKS,
  createPrefixAware,
  IMBALANCE_ABS,
  IMBALANCE_REL,
  type PrefixAwareBalancer,
} from '../../../sidecar/balancer/prefixAware';
import { PREFIX_BLOCK_CHARS } from '../../../sidecar/balancer/prefixBlocks';
import { PENDING_SEND_MS } from '../../../sidecar/balancer/promptWork';
import { toRoutedRequest } from '../../../sidecar/balancer/routedRequest';
import type { RoutedRequest } from '../../../sidecar/balancer/types';
import { counts, finish, type MutableReplica, replicas, request, seededRandom, send, testContext } from './helpers';

/** Pseudo-random words, so that different seeds give texts that differ from the first character. */
function text(seed: number, chars: number): string {
  const random = seededRandom(seed);
  const words: string[] = [];
  let length = 0;
  while (length < chars) {
    const word = Math.floor(random() * 1e9).toString(36);
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ').slice(0, chars);
}

function chat(messages: { role: string; content: string }[], fields: Record<string, unknown> = {}): RoutedRequest {
  return toRoutedRequest({ model: 'llama', messages, ...fields }, {});
}

test('a conversation stays on one replica while it grows (same system prompt and history)', () => {
  const balancer = createPrefixAware(testContext(41));
  const pool = replicas(4);
  const conversations = Array.from({ length: 12 }, (_, c) => [
    { role: 'system', content: text(1, 3000) }, // one shared system prompt
    { role: 'user', content: text(100 + c, 2000) },
  ]);
  const homes: string[][] = conversations.map(() => []);
  for (let turn = 0; turn < 8; turn++) {
    // All conversations have one request in flight at a time; they interleave.
    const inFlight = conversations.map((messages, c) => {
      const req = chat(messages);
      const sent = send(balancer, pool, req);
      homes[c]!.push(sent.name);
      return { sent, req };
    });
    for (const { sent, req } of inFlight) finish(balancer, sent, req);
    conversations.forEach((messages, c) => {
      messages.push({ role: 'assistant', content: text(1000 * c + turn, 600) });
      messages.push({ role: 'user', content: text(2000 * c + turn, 300) });
    });
  }
  for (const turns of homes) assert.equal(new Set(turns).size, 1, `a conversation moved: ${turns.join(' ')}`);
});

test('distinct prefixes spread over the replicas', () => {
  const balancer = createPrefixAware(testContext(42));
  const pool = replicas(4);
  const picks: string[] = [];
  for (let i = 0; i < 400; i++) {
    const req = chat([{ role: 'user', content: text(5000 + i, 1500) }]);
    const sent = send(balancer, pool, req);
    picks.push(sent.name);
    finish(balancer, sent, req);
  }
  const tally = counts(picks);
  for (const r of pool) assert.ok((tally[r.name] ?? 0) > 60, `uneven spread: ${JSON.stringify(tally)}`);
});

test('two sidecars that share nothing send the same prefix to the same replica', () => {
  const pool = replicas(5);
  const alice = createPrefixAware(testContext(43));
  const bob = createPrefixAware(testContext(44));
  // Alice has history of her own; Bob has none. Their requests share a long prefix and differ at the end.
  for (let i = 0; i < 50; i++) {
    const req = chat([{ role: 'user', content: text(9000 + i, 2000) }]);
    finish(alice, send(alice, pool, req), req);
  }
  const longEnough = ANCHOR_BLOCKS * PREFIX_BLOCK_CHARS;
  let agreed = 0;
  const targets = new Set<string>();
  for (let p = 0; p < 100; p++) {
    const shared = text(20_000 + p, longEnough + 500);
    const aliceReq = chat([
      { role: 'system', content: shared },
      { role: 'user', content: 'alice asks' },
    ]);
    const bobReq = chat([
      { role: 'system', content: shared },
      { role: 'user', content: 'bob asks something else entirely' },
    ]);
    const a = send(alice, pool, aliceReq);
    const b = send(bob, pool, bobReq);
    if (a.name === b.name) agreed += 1;
    targets.add(a.name);
    finish(alice, a, aliceReq);
    finish(bob, b, bobReq);
  }
  assert.equal(agreed, 100);
  assert.equal(targets.size, 5, 'and different prefixes still go to different replicas');

  // An identical short prompt (shorter than the anchor) agrees as well.
  for (let p = 0; p < 50; p++) {
    const req = chat([{ role: 'user', content: text(30_000 + p, 700) }]);
    assert.equal(alice.pick(pool, req)?.name, bob.pick(pool, req)?.name);
  }
});

function loadedTarget(balancer: PrefixAwareBalancer, pool: MutableReplica[], req: RoutedRequest): MutableReplica {
  const home = send(balancer, pool, req);
  finish(balancer, home, req);
  return home;
}

test('an overloaded target yields along the request’s rendezvous order, not to the least-loaded replica', () => {
  const balancer = createPrefixAware(testContext(45));
  const pool = replicas(4);
  const req = chat([{ role: 'user', content: text(777, 5000) }]);
  const home = loadedTarget(balancer, pool, req);
  const others = pool.filter((r) => r !== home);
  for (const [i, r] of others.entries()) r.inflight = i === 0 ? 0 : 2;

  home.inflight = IMBALANCE_ABS; // min 0 + 4: not more than the absolute margin
  assert.equal(balancer.pick(pool, req), home);
  assert.equal(balancer.lastDecision, 'affinity');

  home.inflight = IMBALANCE_ABS + 1;
  const yielded = balancer.pick(pool, req);
  assert.equal(balancer.lastDecision, 'yield');
  assert.notEqual(yielded, home);
  // Which of the others is least loaded does not matter while none of them is overloaded: the order decides.
  for (const least of others) {
    for (const r of others) r.inflight = r === least ? 0 : 2;
    assert.equal(balancer.pick(pool, req), yielded);
  }
  // An overloaded replica is skipped in the order.
  (yielded as MutableReplica).inflight = IMBALANCE_ABS + 1;
  const next = balancer.pick(pool, req);
  assert.ok(next !== home && next !== yielded, 'the next one in the order');

  // The relative part: more than the least + IMBALANCE_ABS, but not more than IMBALANCE_REL × the least.
  const least = 3 * IMBALANCE_ABS;
  for (const r of others) r.inflight = least;
  home.inflight = least + IMBALANCE_ABS + 1;
  assert.ok(home.inflight <= IMBALANCE_REL * least);
  assert.equal(balancer.pick(pool, req), home);
});

test('two sidecars with different histories yield alike, and different conversations yield to different replicas', () => {
  const aliceContext = testContext(81);
  const bobContext = testContext(82);
  const alice = createPrefixAware(aliceContext);
  const bob = createPrefixAware(bobContext);
  // Separate views of the same four replicas (same URLs): each sidecar has its own in-flight counts.
  const alicePool = replicas(4);
  const bobPool = replicas(4);
  // Alice has routed traffic before; Bob has not.
  for (let i = 0; i < 30; i++) {
    const req = chat([{ role: 'user', content: text(60_000 + i, 3000) }]);
    finish(alice, send(alice, alicePool, req), req);
  }
  // Her history is older than a scrape's grace for sends the engine may not have counted yet (PENDING_SEND_MS).
  aliceContext.advance(PENDING_SEND_MS + 1);
  bobContext.advance(PENDING_SEND_MS + 1);
  // The same scrapes in both: r0 is far busier than the rest; r3 is the least loaded.
  const engines = [30, 6, 5, 4];
  const scrapeAll = (pool: MutableReplica[], at: number) =>
    pool.forEach((r, i) => {
      r.engine = { running: engines[i]!, waiting: 0, kvCacheUsage: 0.5, scrapedAt: at, prefixQueries: 0 };
    });
  // The engines publish their prefix-cache counters (vLLM does), so recent prompt work is the same figure in both.
  scrapeAll(alicePool, aliceContext.now());
  scrapeAll(bobPool, bobContext.now());
  alicePool[1]!.inflight = 3; // local counts differ; they do not enter while the scrapes are fresh
  const yieldedTo = new Set<string>();
  let yields = 0;
  for (let c = 0; c < 80; c++) {
    const req = chat([
      { role: 'system', content: text(1, 3000) },
      { role: 'user', content: text(70_000 + c, 6000) },
    ]);
    const a = alice.pick(alicePool, req);
    const aliceDecision = alice.lastDecision;
    const b = bob.pick(bobPool, req);
    assert.equal(a?.name, b?.name, `conversation ${c}`);
    assert.notEqual(a?.name, 'r0', 'never the overloaded replica');
    // A cold conversation whose first choice is r0 takes its second (less loaded) choice; one with affinity yields.
    if (aliceDecision === 'yield' || aliceDecision === 'cold') {
      yields += 1;
      yieldedTo.add(a!.name);
    }
  }
  assert.ok(yields >= 10, `conversations placed away from r0: ${yields}`);
  assert.ok(yieldedTo.size >= 2, `and spread: ${[...yieldedTo].join(' ')}`);
});

test('a system prompt several replicas hold is no reason to go to them: new conversations go cold and spread', () => {
  const balancer = createPrefixAware(testContext(83));
  const pool = replicas(4);
  const system = { role: 'system', content: text(2, 4000) };
  // r0 and r1 hold the shared system prompt (earlier conversations that ended).
  for (const holder of [pool[0]!, pool[1]!]) {
    const req = chat([system, { role: 'user', content: `hello from ${holder.name}` }]);
    holder.inflight += 1;
    balancer.onStart?.(holder, req);
    finish(balancer, holder, req);
  }
  const picks: string[] = [];
  for (let c = 0; c < 60; c++) {
    const req = chat([system, { role: 'user', content: text(80_000 + c, 4000) }]);
    const sent = send(balancer, pool, req);
    assert.equal(balancer.lastDecision, 'cold', `conversation ${c}`);
    picks.push(sent.name);
    finish(balancer, sent, req);
  }
  const tally = counts(picks);
  for (const r of pool) assert.ok((tally[r.name] ?? 0) >= 8, `uneven: ${JSON.stringify(tally)}`);

  // A conversation's own history is a lead over the shared part: its next turn has affinity, wherever it went.
  const first = chat([system, { role: 'user', content: text(90_000, 4000) }]);
  const home = send(balancer, pool, first);
  finish(balancer, home, first);
  const second = chat([
    system,
    { role: 'user', content: text(90_000, 4000) },
    { role: 'assistant', content: text(90_001, 800) },
    { role: 'user', content: text(90_002, 3000) },
  ]);
  assert.equal(balancer.pick(pool, second), home);
  assert.equal(balancer.lastDecision, 'affinity');
});

test('a prefix only one replica holds leads by all of it: affinity', () => {
  const balancer = createPrefixAware(testContext(84));
  const pool = replicas(4);
  const document = { role: 'system', content: text(3, 12_000) };
  const firstReq = chat([document, { role: 'user', content: 'first question' }]);
  const home = send(balancer, pool, firstReq);
  finish(balancer, home, firstReq);
  for (let q = 0; q < 20; q++) {
    const req = chat([document, { role: 'user', content: text(95_000 + q, 300) }]);
    assert.equal(balancer.pick(pool, req), home);
    assert.equal(balancer.lastDecision, 'affinity');
  }
});

test('affinity yields on engine load and on a full KV cache when the scrapes are fresh', () => {
  const context = testContext(46);
  const balancer = createPrefixAware(context);
  const pool = replicas(3);
  const req = chat([{ role: 'user', content: text(778, 5000) }]);
  const home = loadedTarget(balancer, pool, req);
  const scrape = (running: number, waiting: number, kvCacheUsage: number) => ({
    running,
    waiting,
    kvCacheUsage,
    scrapedAt: context.now(),
  });
  for (const r of pool) r.engine = scrape(10, 0, 0.5);
  // Other developers keep the home replica busy: this sidecar has nothing in flight anywhere.
  home.engine = scrape(16, 4, 0.6);
  assert.notEqual(balancer.pick(pool, req), home);
  assert.equal(balancer.lastDecision, 'yield');

  home.engine = scrape(12, 0, 0.6);
  assert.equal(balancer.pick(pool, req), home);

  home.engine = scrape(10, 0, 0.97);
  assert.notEqual(balancer.pick(pool, req), home);

  // Stale scrapes are ignored: local counts say all idle, so affinity holds again.
  context.advance(context.engineStaleAfterMs + 1);
  assert.equal(balancer.pick(pool, req), home);
  assert.equal(balancer.lastDecision, 'affinity');
});

test('cache_salt and model separate prefixes', () => {
  const balancer = createPrefixAware(testContext(47));
  const pool = replicas(4);
  const content = text(779, 3000);
  const bySalt = new Set(
    Array.from({ length: 40 }, (_, i) =>
      balancer.pick(pool, chat([{ role: 'user', content }], { cache_salt: `tenant-${i}` })),
    ),
  );
  assert.ok(bySalt.size >= 3, 'different salts are different prefixes');
});

test('a departed replica is forgotten; a request whose home is not a candidate goes elsewhere', () => {
  const balancer = createPrefixAware(testContext(48));
  const pool = replicas(3);
  const req = chat([{ role: 'user', content: text(780, 4000) }]);
  const home = loadedTarget(balancer, pool, req);
  const rest = pool.filter((r) => r !== home);
  const elsewhere = balancer.pick(rest, req);
  assert.ok(elsewhere && rest.includes(elsewhere as MutableReplica));
  balancer.onReplicasChanged?.(rest.map((r) => r.name));
  assert.equal(balancer.pick(pool, req), home, 'the cold decision is the same rendezvous winner');
});

test('requests without a prompt go to the least-loaded replica', () => {
  const balancer = createPrefixAware(testContext(49));
  const pool = replicas(3);
  pool[0]!.inflight = 2;
  pool[2]!.inflight = 1;
  assert.equal(balancer.pick(pool, request())?.name, 'r1');
  assert.equal(balancer.lastDecision, 'no-prompt');
});
