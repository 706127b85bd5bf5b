import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendSamples, HISTORY_MAX_SAMPLES, sampleOf } from '../../../core/dashboard/history';
import { type HistorySample, replicaKey } from '../../../core/dashboard/messages';
import { lastSnapshot, recordFixture } from '../../integration/dashboard/fixture';

const sample = (t: number): HistorySample => ({ t, replicas: {} });

test('a sample holds each replica’s charted figures, keyed by pool and replica', () => {
  const snapshot = lastSnapshot(recordFixture({ seconds: 3 }));
  const result = sampleOf(snapshot);
  assert.equal(result.t, snapshot.now);
  const gpuA = snapshot.pools[0]!.replicas[0]!;
  assert.deepEqual(result.replicas[replicaKey('llama-8b', 'gpu-a')], {
    requestsPerSecond: gpuA.requestsPerSecond,
    ttftP95Ms: gpuA.ttftMs!.p95,
    tokensPerSecond: gpuA.tokensPerSecond,
    inflight: gpuA.inflight,
  });
  assert.equal(result.replicas[replicaKey('llama-8b', 'gpu-c')]!.ttftP95Ms, null);
  assert.equal(Object.keys(result.replicas).length, 5);
});

test('keys cannot collide whatever the names hold', () => {
  assert.notEqual(replicaKey('a/b', 'c'), replicaKey('a', 'b/c'));
});

test('the window drops old samples; equal times replace; older ones are ignored', () => {
  const history: HistorySample[] = [];
  appendSamples(history, [sample(0), sample(1000), sample(2000)], 1500);
  assert.deepEqual(
    history.map((s) => s.t),
    [1000, 2000],
  );
  const replacement = {
    t: 2000,
    replicas: { x: { requestsPerSecond: 1, ttftP95Ms: null, tokensPerSecond: 0, inflight: 0 } },
  };
  appendSamples(history, [replacement, sample(1500)], 1500);
  assert.equal(history.length, 2);
  assert.equal(history[1], replacement);
});

test('a clock that jumps back more than the window restarts the series', () => {
  const history = appendSamples([], [sample(100_000), sample(101_000)], 10_000);
  appendSamples(history, [sample(50_000)], 10_000);
  assert.deepEqual(
    history.map((s) => s.t),
    [50_000],
  );
});

test('the number of points is capped whatever the rate', () => {
  const many = Array.from({ length: HISTORY_MAX_SAMPLES + 50 }, (_, i) => sample(i));
  const history = appendSamples([], many);
  assert.equal(history.length, HISTORY_MAX_SAMPLES);
  assert.equal(history[history.length - 1]!.t, HISTORY_MAX_SAMPLES + 49);
});
