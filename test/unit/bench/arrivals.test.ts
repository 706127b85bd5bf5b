import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrivalOffsets } from '../../../bench/arrivals';
import { gamma, seededRandom } from '../../../bench/random';

test('arrivals: one offset per request, non-decreasing, the last at count/rate seconds', () => {
  const offsets = arrivalOffsets({ rate: 8, count: 200, random: seededRandom(1) });
  assert.equal(offsets.length, 200);
  for (let i = 1; i < offsets.length; i++) assert.ok(offsets[i]! >= offsets[i - 1]!);
  assert.ok(Math.abs(offsets[199]! - 25_000) < 1e-6);
});

test('arrivals: the same seed gives the same schedule, another seed another', () => {
  const a = arrivalOffsets({ rate: 5, count: 50, random: seededRandom(7) });
  const b = arrivalOffsets({ rate: 5, count: 50, random: seededRandom(7) });
  const c = arrivalOffsets({ rate: 5, count: 50, random: seededRandom(8) });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('arrivals: Poisson gaps have a coefficient of variation near 1, burstiness 4 much less', () => {
  const cv = (burstiness: number) => {
    const offsets = arrivalOffsets({ rate: 10, count: 4000, burstiness, random: seededRandom(3) });
    const gaps = offsets.map((t, i) => t - (i === 0 ? 0 : offsets[i - 1]!));
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    return sd / mean;
  };
  assert.ok(Math.abs(cv(1) - 1) < 0.1, `cv ${cv(1)}`);
  assert.ok(cv(4) < 0.65, `cv ${cv(4)}`);
});

test('arrivals: an infinite rate sends everything at once; bad input throws', () => {
  assert.deepEqual(arrivalOffsets({ rate: Number.POSITIVE_INFINITY, count: 3, random: seededRandom(1) }), [0, 0, 0]);
  assert.deepEqual(arrivalOffsets({ rate: 1, count: 0, random: seededRandom(1) }), []);
  assert.throws(() => arrivalOffsets({ rate: 0, count: 3, random: seededRandom(1) }));
  assert.throws(() => arrivalOffsets({ rate: 1, count: 1.5, random: seededRandom(1) }));
});

test('gamma: the sample mean is shape × scale (shape below and above 1)', () => {
  for (const shape of [0.5, 1, 3]) {
    const random = seededRandom(11);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += gamma(random, shape, 2);
    assert.ok(Math.abs(sum / 20_000 - shape * 2) < 0.1 * shape * 2, `shape ${shape}: ${sum / 20_000}`);
  }
  assert.throws(() => gamma(seededRandom(1), 0, 1));
});

test('seededRandom: values in [0, 1)', () => {
  const random = seededRandom(0);
  for (let i = 0; i < 10_000; i++) {
    const v = random();
    assert.ok(v >= 0 && v < 1);
  }
});
