import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineLoadEstimator, MIN_TRAFFIC_SHARE, SHARE_SAMPLE_SPACING_MS } from '../../../sidecar/balancer/engineLoad';
import type { EngineLoad } from '../../../sidecar/balancer/types';
import { type MutableReplica, replicas, testContext } from './helpers';

function scrape(at: number, running: number, waiting = 0): EngineLoad {
  return { running, waiting, kvCacheUsage: 0.3, scrapedAt: at };
}

/** One scrape of every replica at the context's now, with the given running counts. */
function scrapeAll(pool: MutableReplica[], at: number, running: number[]): void {
  pool.forEach((r, i) => {
    r.engine = scrape(at, running[i]!);
  });
}

test('a lone sidecar (its in-flight is all the engines carry) keeps share 1: each start counts once', () => {
  const context = testContext(61);
  const estimator = new EngineLoadEstimator(context);
  const pool = replicas(2);
  pool[0]!.inflight = 3;
  pool[1]!.inflight = 3;
  for (let round = 0; round < 5; round++) {
    context.advance(1000);
    scrapeAll(pool, context.now(), [3, 3]);
    estimator.observe(pool);
  }
  assert.equal(estimator.trafficShare, 1);
  context.advance(10);
  pool[0]!.inflight += 1;
  estimator.recordStart('r0');
  assert.equal(estimator.requests(pool[0]!, pool[0]!.engine!), 4);
});

test('one of eight sidecars learns its share and counts each of its starts about eight times', () => {
  const context = testContext(62);
  const estimator = new EngineLoadEstimator(context);
  const pool = replicas(4);
  // The engines carry 10 requests each; this sidecar has 5 of the 40 in flight (1/8).
  pool.forEach((r, i) => {
    r.inflight = i === 0 ? 2 : 1;
  });
  const shares: number[] = [];
  for (let round = 0; round < 20; round++) {
    context.advance(2000);
    scrapeAll(pool, context.now(), [10, 10, 10, 10]);
    estimator.observe(pool);
    estimator.observe(pool); // a second pick on the same scrape does not sample again
    shares.push(estimator.trafficShare);
  }
  assert.ok(Math.abs(shares[0]! - 1 / 8) < 0.01, `the first sample is taken whole: ${shares[0]}`);
  assert.ok(Math.abs(estimator.trafficShare - 1 / 8) < 0.01, `share ${estimator.trafficShare}`);
  // One start since the scrape: about 8 requests more at that replica.
  context.advance(10);
  pool[1]!.inflight += 1;
  estimator.recordStart('r1');
  const corrected = estimator.requests(pool[1]!, pool[1]!.engine!);
  assert.ok(corrected > 17 && corrected < 19, `corrected ${corrected}`);
});

test('finishes since the scrape are subtracted; starts and finishes before it are in the scrape already', () => {
  const context = testContext(63);
  const estimator = new EngineLoadEstimator(context);
  const [r] = replicas(1) as [MutableReplica];
  // Three started before the scrape.
  for (let i = 0; i < 3; i++) {
    r.inflight += 1;
    estimator.recordStart('r0');
  }
  context.advance(100);
  r.engine = scrape(context.now(), 7);
  context.advance(100);
  // Two of them finish after the scrape, one new one starts.
  for (let i = 0; i < 2; i++) {
    r.inflight -= 1;
    estimator.recordFinish('r0');
  }
  r.inflight += 1;
  estimator.recordStart('r0');
  assert.equal(estimator.netSince(r, r.engine.scrapedAt), -1);
  assert.equal(estimator.requests(r, r.engine), 6);
  // Never below zero.
  r.engine = scrape(r.engine.scrapedAt, 0);
  assert.equal(estimator.requests(r, r.engine), 0);
});

test('the share stays within its bounds and ignores idle scrapes', () => {
  const context = testContext(64);
  const estimator = new EngineLoadEstimator(context);
  const pool = replicas(2);
  // Idle engines say nothing about the share.
  context.advance(1000);
  scrapeAll(pool, context.now(), [1, 0]);
  estimator.observe(pool);
  assert.equal(estimator.trafficShare, 1);
  // Busy engines, nothing of ours: the share falls to its floor, not to zero.
  for (let round = 0; round < 40; round++) {
    context.advance(1000);
    scrapeAll(pool, context.now(), [50, 50]);
    estimator.observe(pool);
  }
  assert.ok(estimator.trafficShare >= MIN_TRAFFIC_SHARE);
  assert.ok(estimator.trafficShare < MIN_TRAFFIC_SHARE * 1.01);
});

test('the first samples are averaged, later ones move the share by the moving average', () => {
  const context = testContext(65);
  const estimator = new EngineLoadEstimator(context);
  const pool = replicas(2);
  const sampleWith = (mine: number) => {
    pool[0]!.inflight = mine;
    context.advance(1000);
    scrapeAll(pool, context.now(), [10, 10]);
    estimator.observe(pool);
    return estimator.trafficShare;
  };
  assert.ok(Math.abs(sampleWith(2) - 0.1) < 1e-9, 'first sample whole');
  assert.ok(Math.abs(sampleWith(6) - 0.2) < 1e-9, 'mean of two');
  assert.ok(Math.abs(sampleWith(0) - (0.2 + (1 / 3) * (MIN_TRAFFIC_SHARE - 0.2))) < 1e-9, 'a third of the way');
  const before = estimator.trafficShare;
  const after = sampleWith(20);
  assert.ok(Math.abs(after - (before + 0.3 * (1 - before))) < 1e-9, 'then 30 % per sample');
});

test('scrapes closer together than SHARE_SAMPLE_SPACING_MS give one share sample (out-of-turn reads add none)', () => {
  const context = testContext(66);
  const estimator = new EngineLoadEstimator(context);
  const pool = replicas(2);
  pool[0]!.inflight = 2;
  context.advance(1000);
  scrapeAll(pool, context.now(), [10, 10]);
  estimator.observe(pool);
  assert.ok(Math.abs(estimator.trafficShare - 0.1) < 1e-9);
  // A placement reads the engines again 100 ms later, when this sidecar carries all of it: no new sample.
  pool[0]!.inflight = 20;
  context.advance(100);
  scrapeAll(pool, context.now(), [10, 10]);
  estimator.observe(pool);
  assert.ok(Math.abs(estimator.trafficShare - 0.1) < 1e-9, `share ${estimator.trafficShare}`);
  // The next periodic scrape, a spacing later, samples again.
  context.advance(SHARE_SAMPLE_SPACING_MS);
  scrapeAll(pool, context.now(), [10, 10]);
  estimator.observe(pool);
  assert.ok(estimator.trafficShare > 0.5, `share ${estimator.trafficShare}`);
});
