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
  replicaWhy,
} from '../../../webview/dashboard/format';
import { MIN_SERIES_CONTRAST, readableOn } from '../../../webview/dashboard/theme';

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

test('a down replica says why once: the last error only when the reason does not contain it', () => {
  const error = 'connect ECONNREFUSED 127.0.0.1:9';
  assert.equal(replicaWhy({ reason: `health check: ${error}`, lastError: error }), `health check: ${error}`);
  assert.equal(
    replicaWhy({ reason: `ejected: 3 failures within 30s (last: ${error})`, lastError: error }),
    `ejected: 3 failures within 30s (last: ${error})`,
  );
  assert.equal(replicaWhy({ reason: 'drained by admin', lastError: error }), `drained by admin · last error: ${error}`);
  assert.equal(replicaWhy({ reason: null, lastError: null }), '');
});

test('replica colours stand out on dark and light backgrounds; readable ones are kept', () => {
  const luminance = (hex: string) => {
    const c = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
    const lin = c.map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
  };
  const ratio = (a: string, b: string) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };
  assert.equal(readableOn('#3794ff', ['#1f1f1f', '#202020']), '#3794ff');
  for (const dim of ['#0e4a8a', '#5a1d8c', '#7a1010']) {
    const fixed = readableOn(dim, ['#1f1f1f', '#202020']);
    assert.ok(ratio(fixed, '#1f1f1f') >= MIN_SERIES_CONTRAST && ratio(fixed, '#202020') >= MIN_SERIES_CONTRAST, fixed);
  }
  const onLight = readableOn('#cca700', ['#ffffff', '#f8f8f8']);
  assert.ok(ratio(onLight, '#f8f8f8') >= MIN_SERIES_CONTRAST, onLight);
  assert.equal(readableOn('var(--x)', ['#000000']), 'var(--x)');
});
