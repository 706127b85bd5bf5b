import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration, parseSize } from '../../../core/config/units';

test('durations in every unit', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1h'), 3_600_000);
});

test('a bare number is an error that names the units (it is not read as milliseconds)', () => {
  assert.equal(parseDuration(5), 'needs a unit: write 5s for seconds or 5ms for milliseconds (units: ms, s, m, h)');
  assert.equal(
    parseDuration('300'),
    'needs a unit: write 300s for seconds or 300ms for milliseconds (units: ms, s, m, h)',
  );
  assert.equal(typeof parseDuration(0), 'string');
});

test('bad durations give a message, not a number', () => {
  for (const bad of ['5 seconds', '-1s', 'abc', '', true, null, -5, Number.NaN]) {
    assert.equal(typeof parseDuration(bad), 'string', `expected an error for ${String(bad)}`);
  }
});

test('sizes in binary and decimal units', () => {
  assert.equal(parseSize('512KiB'), 512 * 1024);
  assert.equal(parseSize('32MiB'), 32 * 1024 * 1024);
  assert.equal(parseSize('1GiB'), 1024 ** 3);
  assert.equal(parseSize('10kb'), 10_000);
  assert.equal(parseSize(1024), 1024);
  assert.equal(typeof parseSize('32 megabytes'), 'string');
  assert.equal(typeof parseSize(1.5), 'string');
});

test('formatDuration picks the largest exact unit', () => {
  assert.equal(formatDuration(30_000), '30s');
  assert.equal(formatDuration(120_000), '2m');
  assert.equal(formatDuration(3_600_000), '1h');
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(0), '0ms');
});
