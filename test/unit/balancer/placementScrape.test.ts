// prefix-aware's out-of-turn /metrics read before a new prefix group is placed (prefixAware.ts, wantsFreshEngine and
// prepare): when it reads, when it does not, and that a read which never answers keeps no request waiting long.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createPrefixAware,
  PLACEMENT_SCRAPE_MIN_BLOCKS,
  PLACEMENT_SCRAPE_WAIT_MS,
} from '../../../sidecar/balancer/prefixAware';
import { PREFIX_BLOCK_CHARS } from '../../../sidecar/balancer/prefixBlocks';
import { toRoutedRequest } from '../../../sidecar/balancer/routedRequest';
import type { EngineLoad, ReplicaView, RoutedRequest } from '../../../sidecar/balancer/types';
import { type MutableReplica, replicas, seededRandom, send, testContext } from './helpers';

function text(seed: number, chars: number): string {
  const random = seededRandom(seed);
  let out = '';
  while (out.length < chars) out += `${Math.floor(random() * 1e9).toString(36)} `;
  return out.slice(0, chars);
}

/** A team prompt, then `chars` of the developer's own context (a repository, say). */
function prompt(seed: number, chars: number): RoutedRequest {
  const messages = [
    { role: 'system', content: text(1, 3000) },
    { role: 'user', content: text(seed, chars) },
  ];
  return toRoutedRequest({ model: 'llama', messages }, {});
}

type Readable = MutableReplica & { engineReadMs?: number; refreshEngine?: () => Promise<void> };

function fleet(now: number, readMs: number | undefined, reads: string[]): Readable[] {
  const pool: Readable[] = replicas(4);
  for (const r of pool) {
    r.engine = { running: 2, waiting: 0, kvCacheUsage: 0.2, scrapedAt: now - 1000 } satisfies EngineLoad;
    r.engineReadMs = readMs;
    r.refreshEngine = async () => {
      reads.push(r.name);
    };
  }
  return pool;
}

const bigChars = (PLACEMENT_SCRAPE_MIN_BLOCKS + 16) * PREFIX_BLOCK_CHARS;

test('a new repository-sized prompt is placed on fresh scrapes; short, held or just-scraped prompts are not', () => {
  const context = testContext(91);
  const balancer = createPrefixAware(context);
  const pool = fleet(context.now(), 10, []);
  const views = pool as ReplicaView[];
  const repo = prompt(7, bigChars);
  assert.equal(balancer.wantsFreshEngine?.(views, repo), true);
  assert.equal(
    balancer.wantsFreshEngine?.(views, prompt(8, (PLACEMENT_SCRAPE_MIN_BLOCKS / 2) * PREFIX_BLOCK_CHARS)),
    false,
  );
  // Once sent, this sidecar's index holds it: the next request with it has affinity and needs no read.
  send(balancer, pool, repo);
  assert.equal(balancer.wantsFreshEngine?.(views, repo), false);
  // Scrapes taken a moment ago are fresh enough.
  for (const r of pool) r.engine = { ...r.engine!, scrapedAt: context.now() - 10 };
  assert.equal(balancer.wantsFreshEngine?.(views, prompt(9, bigChars)), false);
});

test('no out-of-turn read where a replica’s /metrics is slow or publishes no engine figures; never read: read', () => {
  const context = testContext(92);
  const balancer = createPrefixAware(context);
  const repo = prompt(7, bigChars);
  const slow = fleet(context.now(), 10, []);
  slow[2]!.engineReadMs = PLACEMENT_SCRAPE_WAIT_MS + 1;
  assert.equal(balancer.wantsFreshEngine?.(slow as ReplicaView[], repo), false);
  const empty = fleet(context.now(), 10, []);
  empty[1]!.engine = undefined;
  assert.equal(balancer.wantsFreshEngine?.(empty as ReplicaView[], repo), false);
  // Before any scrape (a team starts its conversations in the first seconds): the first read is this one.
  const unread = fleet(context.now(), undefined, []);
  for (const r of unread) r.engine = undefined;
  assert.equal(balancer.wantsFreshEngine?.(unread as ReplicaView[], repo), true);
});

test('prepare reads every replica once for a new group, and a read that never answers is not waited for', async () => {
  const context = testContext(93);
  const balancer = createPrefixAware(context);
  const reads: string[] = [];
  const pool = fleet(context.now(), 10, reads);
  await balancer.prepare?.(pool as ReplicaView[], prompt(7, bigChars));
  assert.deepEqual([...reads].sort(), ['r0', 'r1', 'r2', 'r3']);
  // A held prompt reads nothing.
  reads.length = 0;
  const held = prompt(7, bigChars);
  send(balancer, pool, held);
  await balancer.prepare?.(pool as ReplicaView[], held);
  assert.deepEqual(reads, []);
  // A replica that never answers: prepare still resolves (after PLACEMENT_SCRAPE_WAIT_MS).
  pool[1]!.refreshEngine = () => new Promise<void>(() => {});
  // (The guard timer is ref'd: the balancer's own timer is unref'd, and the test must not end while it waits.)
  let guard: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    balancer.prepare?.(pool as ReplicaView[], prompt(11, bigChars)).then(() => 'resolved'),
    new Promise((resolve) => {
      guard = setTimeout(() => resolve('hung'), 20 * PLACEMENT_SCRAPE_WAIT_MS);
    }),
  ]);
  clearTimeout(guard);
  assert.equal(settled, 'resolved');
});
