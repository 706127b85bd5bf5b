import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distribution, percentile, type RequestRecord, summarize, tpotMs } from '../../../bench/stats';

test('percentile: linear interpolation between closest ranks (numpy default)', () => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(sorted, 50), 5.5);
  assert.equal(percentile(sorted, 90), 9.1);
  assert.ok(Math.abs(percentile(sorted, 99) - 9.91) < 1e-9);
  assert.equal(percentile(sorted, 0), 1);
  assert.equal(percentile(sorted, 100), 10);
  assert.equal(percentile([42], 99), 42);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('distribution: unsorted input, mean, max; empty gives NaN', () => {
  const d = distribution([3, 1, 2]);
  assert.equal(d.count, 3);
  assert.equal(d.mean, 2);
  assert.equal(d.p50, 2);
  assert.equal(d.max, 3);
  assert.ok(Number.isNaN(distribution([]).mean));
});

function record(partial: Partial<RequestRecord>): RequestRecord {
  return {
    key: 'k',
    sentMs: 0,
    itlMs: [],
    e2elMs: 1000,
    promptTokens: 100,
    outputTokens: 11,
    status: 200,
    ok: true,
    ttftMs: 100,
    ...partial,
  };
}

test('tpot: (E2EL - TTFT) / (tokens - 1), none for a single token or no first token', () => {
  assert.equal(tpotMs(record({})), 90);
  assert.equal(tpotMs(record({ outputTokens: 1 })), undefined);
  const noTtft = record({});
  delete noTtft.ttftMs;
  assert.equal(tpotMs(noTtft), undefined);
});

test('summarize: throughput over first send to last end, failures apart, goodput under both limits', () => {
  const records = [
    record({ sentMs: 0, e2elMs: 1000, ttftMs: 100, itlMs: [10, 20] }),
    record({ sentMs: 500, e2elMs: 1500, ttftMs: 900, itlMs: [30] }),
    record({ sentMs: 1000, e2elMs: 1000, ok: false, status: 500, outputTokens: 0 }),
  ];
  const s = summarize(records, { ttftMs: 500, tpotMs: 100 });
  assert.equal(s.completed, 2);
  assert.equal(s.failed, 1);
  assert.equal(s.durationS, 2);
  assert.equal(s.requestThroughput, 1);
  assert.equal(s.outputThroughput, 11);
  assert.equal(s.totalTokenThroughput, 111);
  assert.equal(s.goodput, 0.5);
  assert.equal(s.itl.count, 3);
  assert.equal(s.ttft.p50, 500);
});
