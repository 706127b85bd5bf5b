import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../sim/clock';
import { Engine } from '../../../sim/engine/engine';
import { parseFault } from '../../../sim/faults';
import { formatValue, renderMetrics } from '../../../sim/metrics';
import { FAST } from '../../../sim/profiles';

test('values are formatted like prometheus_client (Python repr, Go-style exponents)', () => {
  assert.equal(formatValue(0), '0.0');
  assert.equal(formatValue(23), '23.0');
  assert.equal(formatValue(0.4173), '0.4173');
  assert.equal(formatValue(612345), '612345.0');
  assert.equal(formatValue(4_821_000), '4.821e+06');
  assert.equal(formatValue(1_710_896), '1.710896e+06');
  assert.equal(formatValue(Number.POSITIVE_INFINITY), '+Inf');
});

test('counters are written as _total with a _created gauge family after them', () => {
  const engine = new Engine({ profile: FAST, clock: new ManualClock() });
  const text = renderMetrics(engine, 'm', FAST);
  const lines = text.split('\n');
  const at = lines.indexOf('# TYPE vllm:prompt_tokens_total counter');
  assert.ok(at > 0);
  assert.equal(lines[at - 1], '# HELP vllm:prompt_tokens_total Number of prefill tokens processed.');
  assert.equal(lines[at + 1], 'vllm:prompt_tokens_total{engine="0",model_name="m"} 0.0');
  assert.equal(lines[at + 3], '# TYPE vllm:prompt_tokens_created gauge');
  assert.match(lines[at + 4]!, /^vllm:prompt_tokens_created\{engine="0",model_name="m"\} \d\.\d+e\+09$/);
  assert.ok(text.endsWith('\n'));
});

test('faults parse with their defaults and reject bad values', () => {
  assert.deepEqual(parseFault({ kind: 'status' }), { kind: 'status', status: 503 });
  assert.deepEqual(parseFault({ kind: 'slow' }), { kind: 'slow', factor: 5 });
  assert.deepEqual(parseFault({ kind: 'reset-mid-stream' }), { kind: 'reset-mid-stream', afterChunks: 3 });
  assert.deepEqual(parseFault({ kind: 'none' }), { kind: 'none' });
  for (const bad of [null, {}, { kind: 'boom' }, { kind: 'slow', factor: 0 }, { kind: 'status', status: 42 }]) {
    assert.equal(typeof parseFault(bad), 'string');
  }
});
