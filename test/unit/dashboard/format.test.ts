import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatAge,
  formatCount,
  formatMs,
  formatMsPair,
  formatPercent,
  formatRate,
  NO_VALUE,
} from '../../../webview/dashboard/format';

test('milliseconds: decimals when small, seconds from 1000, no value for null', () => {
  assert.equal(formatMs(4.25), '4.3 ms');
  assert.equal(formatMs(82), '82 ms');
  assert.equal(formatMs(999.4), '999 ms');
  assert.equal(formatMs(1240), '1.24 s');
  assert.equal(formatMs(12_500), '12.5 s');
  assert.equal(formatMs(125_000), '2m 05s');
  assert.equal(formatMs(null), NO_VALUE);
  assert.equal(formatMs(Number.NaN), NO_VALUE);
});

test('a p50/p95 pair shares its unit when both have the same', () => {
  assert.equal(formatMsPair(82, 240), '82 / 240 ms');
  assert.equal(formatMsPair(820, 2400), '820 ms / 2.4 s');
  assert.equal(formatMsPair(null, 240), NO_VALUE);
});

test('rates, percentages and counts', () => {
  assert.equal(formatRate(0), '0');
  assert.equal(formatRate(1.44), '1.4');
  assert.equal(formatRate(311.5), '312');
  assert.equal(formatRate(12_345.6), '12,346');
  assert.equal(formatPercent(0.41), '41%');
  assert.equal(formatPercent(0.0042), '0.4%');
  assert.equal(formatPercent(0), '0%');
  assert.equal(formatPercent(null), NO_VALUE);
  assert.equal(formatCount(1234567), '1,234,567');
});

test('stream ages', () => {
  assert.equal(formatAge(850), '850 ms');
  assert.equal(formatAge(12_400), '12s');
  assert.equal(formatAge(125_000), '2m 05s');
  assert.equal(formatAge(3_720_000), '1h 02m');
});
