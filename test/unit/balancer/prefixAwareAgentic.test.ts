// The prefix-aware rules for agentic traffic (issue 17): an index sized like the engine's cache, a team prompt that
// neither attracts nor keys a request, new groups placed by recent prompt work, and a load guard that counts a team
// member's own requests once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createPrefixAware,
  INDEX_BLOCKS_PER_REPLICA,
  indexCapacity,
  MIN_INDEX_BLOCKS,
  type PrefixAwareBalancer,
  sharedBlocks,
  TOKENS_PER_INDEX_BLOCK,
} from '../../../sidecar/balancer/prefixAware';
import { prefixBlockHashes } from '../../../sidecar/balancer/prefixBlocks';
import { opensConversation, toRoutedRequest } from '../../../sidecar/balancer/routedRequest';
import type { RoutedRequest } from '../../../sidecar/balancer/types';
import {
  finish,
  type MutableReplica,
  replica,
  replicas,
  seededRandom,
  send,
  type TestContext,
  testContext,
} from './helpers';

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

function chat(messages: { role: string; content: string }[]): RoutedRequest {
  return toRoutedRequest({ model: 'llama', messages }, {});
}

const team = { role: 'system', content: text(1, 6000) };
const repo = (developer: number) => ({ role: 'system', content: text(1000 + developer, 20_000) });
const firstTurn = (developer: number, conversation: number) =>
  chat([team, repo(developer), { role: 'user', content: text(5000 + 100 * developer + conversation, 1500) }]);
const laterTurn = (developer: number, conversation: number) =>
  chat([
    team,
    repo(developer),
    { role: 'user', content: text(5000 + 100 * developer + conversation, 1500) },
    { role: 'assistant', content: text(9000 + 100 * developer + conversation, 600) },
    { role: 'user', content: text(7000 + 100 * developer + conversation, 1500) },
  ]);

test('the index is sized from the replica’s KV cache and this sidecar’s traffic share', () => {
  assert.equal(indexCapacity(replica('a'), 1), INDEX_BLOCKS_PER_REPLICA);
  const cached = { ...replica('a'), cacheTokens: 48_000 };
  assert.equal(indexCapacity(cached, 1), 48_000 / TOKENS_PER_INDEX_BLOCK);
  assert.equal(indexCapacity(cached, 0.25), 48_000 / TOKENS_PER_INDEX_BLOCK / 4);
  assert.equal(indexCapacity(cached, 0.001), MIN_INDEX_BLOCKS);
  assert.equal(indexCapacity({ ...replica('a'), cacheTokens: 0 }, 1), INDEX_BLOCKS_PER_REPLICA);
});

test('a leading system message is shared up to 75% of the prompt, and the first turn is told from later ones', () => {
  const req = firstTurn(0, 0);
  assert.equal(sharedBlocks(req, 100), Math.floor(req.leadMessageChars! / 128));
  const documentFirst = chat([
    { role: 'system', content: text(3, 20_000) },
    { role: 'user', content: 'why?' },
  ]);
  assert.equal(sharedBlocks(documentFirst, 200), 0);
  assert.equal(opensConversation({ messages: [team, { role: 'user', content: 'x' }] }), true);
  assert.equal(opensConversation({ messages: [team, { role: 'assistant', content: 'x' }] }), false);
  assert.equal(opensConversation({ messages: [{ role: 'tool', content: 'x' }] }), false);
  assert.equal(opensConversation({ prompt: 'x' }), undefined);
  assert.equal(firstTurn(0, 0).newConversation, true);
  assert.equal(laterTurn(0, 0).newConversation, false);
});

test('a team prompt does not send every developer to one replica', () => {
  const balancer = createPrefixAware(testContext(3));
  const pool = replicas(4);
  const homes = new Set<string>();
  for (let d = 0; d < 16; d++) {
    const req = firstTurn(d, 0);
    const home = send(balancer, pool, req);
    finish(balancer, home, req);
    homes.add(home.name);
  }
  assert.equal(homes.size, 4);
});

function scrape(r: MutableReplica, context: TestContext, prefixQueries: number): void {
  r.engine = { running: 0, waiting: 0, kvCacheUsage: 0.3, scrapedAt: context.now(), prefixQueries };
}

test('a team member’s own requests count once in the load guard: its group stays on its cache', () => {
  const context = testContext(9);
  const balancer = createPrefixAware(context);
  const pool = replicas(4);
  const first = firstTurn(3, 0);
  const home = send(balancer, pool, first);
  finish(balancer, home, first);
  // The engines carry 10 requests each, none of them this sidecar's: it is one of many (share 1/16).
  const scrapeAll = (homeRunning: number) => {
    for (const r of pool)
      r.engine = { running: r === home ? homeRunning : 10, waiting: 0, kvCacheUsage: 0.5, scrapedAt: context.now() };
  };
  scrapeAll(10);
  balancer.pick(pool, firstTurn(50, 0));
  assert.equal(balancer.trafficShare, 1 / 16);
  // Two more conversations of the developer go home after the scrape. Scaled by the share they would look like 32
  // more requests there and move the group off its cache; they are two.
  context.advance(100);
  send(balancer, pool, firstTurn(3, 1));
  send(balancer, pool, firstTurn(3, 2));
  assert.equal(balancer.pick(pool, laterTurn(3, 0)), home);
  assert.equal(balancer.lastDecision, 'affinity');
  // A real overload, seen by the engine, still yields.
  scrapeAll(22);
  assert.notEqual(balancer.pick(pool, laterTurn(3, 0)), home);
  assert.equal(balancer.lastDecision, 'yield');
});

test('a new group goes where the fleet’s recent prompt work is least, not only its rendezvous winner', () => {
  const context = testContext(9);
  const balancer = createPrefixAware(context);
  const pool = replicas(4);
  for (const r of pool) scrape(r, context, 0);
  balancer.pick(pool, firstTurn(99, 0));
  context.advance(1000);
  // Three replicas hold other developers' groups (work they were given by other sidecars); r2 holds nothing.
  for (const r of pool) scrape(r, context, r.name === 'r2' ? 0 : 40_000);
  for (let d = 0; d < 8; d++) assert.equal(balancer.pick(pool, firstTurn(d, 0))?.name, 'r2');
});

/** Two replicas that publish a KV cache of `cacheTokens` (vllm:cache_config_info). */
function cachedPair(cacheTokens: number | undefined): Array<MutableReplica & { cacheTokens?: number }> {
  return replicas(2).map((r) => (cacheTokens === undefined ? r : { ...r, cacheTokens }));
}

/** Developer 0's group, then developers 1 and 2's, sent to r0 (as another pick or a yield would); then d0 again. */
function affinityAfterTwoOtherGroups(balancer: PrefixAwareBalancer, pool: MutableReplica[]): string | undefined {
  for (let d = 0; d < 3; d++) balancer.onStart?.(pool[0]!, firstTurn(d, 0));
  balancer.pick(pool, laterTurn(0, 0));
  return balancer.lastDecision;
}

test('the balancer’s index forgets what the replica’s published cache cannot hold', () => {
  // Each group's first turn is ~216 index blocks; a cache of 8,192 tokens holds 256: developer 0's repository is
  // evicted by the next two groups, so developer 0 has no affinity left (the engine would prefill it anyway).
  assert.equal(affinityAfterTwoOtherGroups(createPrefixAware(testContext(4)), cachedPair(8192)), 'cold');
  // The same traffic on replicas of unknown capacity (the H100-sized default) or a large one: it is still there.
  assert.equal(affinityAfterTwoOtherGroups(createPrefixAware(testContext(4)), cachedPair(undefined)), 'affinity');
  assert.equal(affinityAfterTwoOtherGroups(createPrefixAware(testContext(4)), cachedPair(400_000)), 'affinity');
});

test('the index shrinks with this sidecar’s traffic share: other sidecars’ traffic evicts its prefixes too', () => {
  // 40,000 tokens = 1,250 blocks: three groups fit for a lone sidecar...
  const alone = createPrefixAware(testContext(5));
  assert.equal(affinityAfterTwoOtherGroups(alone, cachedPair(40_000)), 'affinity');
  // ...but a sidecar that sees the engines run 20 requests while it has none in flight carries 1/16 of the traffic:
  // its index holds 1/16 of the cache (floored at MIN_INDEX_BLOCKS), and the same three groups overflow it.
  const context = testContext(5);
  const oneOfMany = createPrefixAware(context);
  const pool = cachedPair(40_000);
  for (const r of pool) r.engine = { running: 10, waiting: 0, kvCacheUsage: 0.5, scrapedAt: context.now() };
  oneOfMany.pick(pool, firstTurn(50, 0));
  assert.equal(oneOfMany.trafficShare, 1 / 16);
  assert.equal(affinityAfterTwoOtherGroups(oneOfMany, pool), 'cold');
});

test('sidecars that read the same scrapes place new groups alike, and spread them over the light replicas', () => {
  const picks: string[][] = [];
  for (const seed of [11, 12]) {
    const context = testContext(seed);
    const balancer = createPrefixAware(context);
    const pool = replicas(4);
    for (const r of pool) scrape(r, context, 0);
    balancer.pick(pool, firstTurn(99, 0));
    context.advance(1000);
    // r0 and r1 carry other developers' groups; r2 and r3 are light.
    for (const r of pool) scrape(r, context, r.name === 'r0' || r.name === 'r1' ? 40_000 : 0);
    picks.push(Array.from({ length: 12 }, (_, d) => balancer.pick(pool, firstTurn(d, 0))?.name ?? '-'));
  }
  assert.deepEqual(picks[0], picks[1], 'the same choice in every sidecar');
  assert.deepEqual(new Set(picks[0]), new Set(['r2', 'r3']), 'only the light replicas, both of them');
});

/**
 * A team member (fleet share 1/16 from the engines' request counts) sends three groups to r0 while r0's engine counts
 * `othersFactor` × this sidecar's prompt tokens; then developer 0 comes back.
 */
function teamMemberDecision(othersFactor: number): string | undefined {
  const context = testContext(21);
  const balancer = createPrefixAware(context);
  const pool = cachedPair(40_000);
  const scrapeAll = (r0Queries: number) => {
    for (const r of pool) {
      r.engine = {
        running: 10,
        waiting: 0,
        kvCacheUsage: 0.5,
        scrapedAt: context.now(),
        prefixQueries: r.name === 'r0' ? r0Queries : 0,
      };
    }
  };
  scrapeAll(0);
  balancer.pick(pool, firstTurn(50, 0));
  assert.equal(balancer.trafficShare, 1 / 16);
  let sent = 0;
  for (let d = 0; d < 3; d++) {
    context.advance(1000);
    scrapeAll(othersFactor * sent);
    const req = firstTurn(d, 0);
    balancer.pick(pool, req);
    balancer.onStart?.(pool[0]!, req);
    sent += prefixBlockHashes(req).length * TOKENS_PER_INDEX_BLOCK;
  }
  context.advance(1000);
  scrapeAll(othersFactor * sent);
  balancer.pick(pool, laterTurn(0, 0));
  return balancer.lastDecision;
}

test('the index is sized by this sidecar’s share of the replica’s own prompt work where the engine counts it', () => {
  // r0's engine counts no more than this sidecar sent: it is r0's only sender, so r0's cache is all its own, whatever
  // its share of the fleet's requests; developer 0 is still there.
  assert.equal(teamMemberDecision(1), 'affinity');
  // r0's engine counts 16 times what this sidecar sent: others fill the cache too, and developer 0 is gone.
  assert.equal(teamMemberDecision(16), 'cold');
});

test('a group’s cached re-sends add no prompt work: its replica still takes new groups', () => {
  const balancer = createPrefixAware(testContext(17));
  const pool = replicas(3);
  const sendAndFinish = (req: RoutedRequest) => {
    const to = send(balancer, pool, req);
    finish(balancer, to, req);
    return to;
  };
  const busy = sendAndFinish(firstTurn(0, 0));
  for (let again = 0; again < 4; again++) assert.equal(sendAndFinish(firstTurn(0, 0)), busy);
  const others = new Set([sendAndFinish(firstTurn(1, 0)).name, sendAndFinish(firstTurn(2, 0)).name]);
  assert.ok(!others.has(busy.name) && others.size === 2, 'groups 1 and 2 went to the two empty replicas');
  // Each replica has prefilled one group: new groups spread over all three. Counted as looked-up tokens, the busy
  // replica would carry five prompts and take none of them.
  const picks = Array.from({ length: 24 }, (_, d) => balancer.pick(pool, firstTurn(10 + d, 0))?.name);
  assert.ok(picks.filter((name) => name === busy.name).length >= 3, `new groups: ${picks.join(' ')}`);
});
