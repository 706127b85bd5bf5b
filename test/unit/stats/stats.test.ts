import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CumulativeHistogram } from '../../../sidecar/stats/cumulativeHistogram';
import { ReplicaStats } from '../../../sidecar/stats/replicaStats';
import { SlidingCounter } from '../../../sidecar/stats/slidingCounter';
import { SlidingHistogram } from '../../../sidecar/stats/slidingHistogram';

const clockAt = (t = 1_700_000_000_000) => ({
  t,
  now() {
    return this.t;
  },
});

test('sliding histogram percentiles are within one bucket (5%) and forget old samples', () => {
  const clock = clockAt();
  const histogram = new SlidingHistogram(clock, 60_000, 6);
  for (let v = 1; v <= 1000; v++) histogram.record(v);
  const p = histogram.percentiles()!;
  assert.ok(Math.abs(p.p50 - 500) / 500 < 0.05, `p50 ${p.p50}`);
  assert.ok(Math.abs(p.p95 - 950) / 950 < 0.05, `p95 ${p.p95}`);
  assert.ok(Math.abs(p.p99 - 990) / 990 < 0.05, `p99 ${p.p99}`);
  clock.t += 61_000;
  assert.equal(histogram.percentiles(), null);
  histogram.record(10);
  assert.ok(Math.abs(histogram.percentiles()!.p50 - 10) < 0.6);
});

test('sliding counter gives a rate over its window', () => {
  const clock = clockAt();
  const counter = new SlidingCounter(clock, 10);
  clock.t += 10_000;
  for (let i = 0; i < 10; i++) {
    if (i > 0) clock.t += 1000;
    counter.add(5);
  }
  assert.equal(counter.ratePerSecond(), 5);
  clock.t += 20_000;
  assert.equal(counter.ratePerSecond(), 0);
});

test('cumulative histogram buckets are cumulative', () => {
  const histogram = new CumulativeHistogram([1, 2, 5]);
  for (const v of [0.5, 1.5, 1.5, 3, 9]) histogram.record(v);
  assert.deepEqual(histogram.cumulative(), [1, 3, 4]);
  assert.equal(histogram.count, 5);
  assert.equal(histogram.sum, 15.5);
});

test('statistics memory stays flat over 20,000 requests', () => {
  const clock = clockAt();
  const stats = new ReplicaStats(clock);
  const record = (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.t += 7;
      stats.recordTtft(20 + (i % 300));
      for (let g = 0; g < 5; g++) stats.recordGap(5 + g);
      stats.recordTokens(5);
      stats.recordFinish({
        ok: i % 50 !== 0,
        errorKind: 'status',
        durationMs: 100,
        tokens: 5,
        bytesSent: 100,
        bytesReceived: 900,
      });
    }
  };
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  record(2000); // warm up: every ring slot and map key exists
  gc();
  const before = process.memoryUsage().heapUsed;
  record(20_000);
  gc();
  const after = process.memoryUsage().heapUsed;
  assert.equal(stats.errorsByKind.size, 1);
  assert.equal(stats.requests, 22_000);
  // 20,000 retained entries of even 50 bytes would be 1 MB; fixed rings grow by nothing.
  assert.ok(after - before < 512 * 1024, `heap grew by ${after - before} bytes over 20,000 requests`);
});
