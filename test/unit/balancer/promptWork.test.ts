// Prompt work per replica (promptWork.ts): what the engines prefilled, read from their counters, plus this sidecar's
// sends since the last scrape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PENDING_SEND_MS, PromptWork } from '../../../sidecar/balancer/promptWork';
import { replica, testContext } from './helpers';

test('sends before the counters’ first reading still count', () => {
  const context = testContext(1);
  const work = new PromptWork(context);
  const [a, b] = [replica('a'), replica('b')];
  work.recordSend('a', 10_000);
  context.advance(500);
  // The engines have served others for days: the first reading is a large cumulative figure that says nothing alone.
  for (const r of [a, b])
    r.engine = {
      running: 0,
      waiting: 0,
      kvCacheUsage: 0,
      scrapedAt: context.now(),
      prefixQueries: 9e9,
      prefixHits: 8e9,
    };
  assert.ok(work.tokens(a, 1) > 9_500, `a: ${work.tokens(a, 1)}`);
  assert.equal(work.tokens(b, 1), 0);
});

test('work is what the engine prefilled: queries minus hits', () => {
  const context = testContext(2);
  const work = new PromptWork(context);
  const [a, b] = [replica('a'), replica('b')];
  const scrape = (aQueries: number, aHits: number, bQueries: number) => {
    a.engine = {
      running: 0,
      waiting: 0,
      kvCacheUsage: 0,
      scrapedAt: context.now(),
      prefixQueries: aQueries,
      prefixHits: aHits,
    };
    b.engine = {
      running: 0,
      waiting: 0,
      kvCacheUsage: 0,
      scrapedAt: context.now(),
      prefixQueries: bQueries,
      prefixHits: 0,
    };
  };
  scrape(1_000_000, 500_000, 1_000_000);
  work.tokens(a, 1);
  work.tokens(b, 1);
  context.advance(2000);
  // a looked up 100K tokens and found 90K cached (one busy group); b prefilled 30K (new prompts).
  scrape(1_100_000, 590_000, 1_030_000);
  const [onA, onB] = [work.tokens(a, 1), work.tokens(b, 1)];
  assert.ok(Math.abs(onA - 10_000) < 100 && Math.abs(onB - 30_000) < 300, `a ${onA}, b ${onB}`);
});

test('a send just before a scrape counts until the engine can have counted it (PENDING_SEND_MS)', () => {
  const context = testContext(3);
  const work = new PromptWork(context);
  const [a, b] = [replica('a'), replica('b')];
  const scrape = (queries: number) => {
    for (const r of [a, b])
      r.engine = { running: 0, waiting: 0, kvCacheUsage: 0, scrapedAt: context.now(), prefixQueries: queries };
  };
  scrape(1_000_000);
  work.tokens(a, 1);
  work.tokens(b, 1);
  context.advance(2000);
  work.recordSend('a', 20_000);
  // A placement's out-of-turn scrape 20 ms later: the engine has not scheduled that prefill yet.
  context.advance(20);
  scrape(1_000_000);
  assert.ok(work.tokens(a, 1) > 19_000, `a: ${work.tokens(a, 1)}`);
  assert.equal(work.tokens(b, 1), 0);
  // Later the engine counted it; the send no longer counts besides the counter.
  context.advance(PENDING_SEND_MS);
  for (const r of [a, b])
    r.engine = { running: 0, waiting: 0, kvCacheUsage: 0, scrapedAt: context.now(), prefixQueries: 1_000_000 };
  a.engine = { ...a.engine!, prefixQueries: 1_020_000 };
  const onA = work.tokens(a, 1);
  assert.ok(onA > 19_000 && onA < 21_000, `a counted once: ${onA}`);
});
