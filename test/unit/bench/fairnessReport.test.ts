import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FairnessResult, makeFairnessPlan } from '../../../bench/fairness';
import { fairnessVerdict, renderFairness } from '../../../bench/fairnessReport';

function result(alone: number, flooded: number, ok = 30): FairnessResult {
  return {
    plan: makeFairnessPlan(),
    quietAlone: { ttftP50: alone / 2, ttftP90: alone, ok, failed: 30 - ok },
    quietFlooded: { ttftP50: flooded / 2, ttftP90: flooded, ok, failed: 30 - ok },
    flood: { completed: 571, rateLimited: 670, failed: 2, requestsPerSecond: 51.06, outTokensPerSecond: 3270.4 },
    ratio: flooded / alone,
  };
}

test('verdict: met at or under 1.5x, missed above it with the size of the miss', () => {
  assert.deepEqual(fairnessVerdict(result(40, 60)), { met: true, line: 'met: 1.50× ≤ 1.5×' });
  assert.deepEqual(fairnessVerdict(result(40, 52)), { met: true, line: 'met: 1.30× ≤ 1.5×' });
  assert.deepEqual(fairnessVerdict(result(40, 61)), { met: false, line: 'missed: 1.52× > 1.5× (by 2%)' });
  assert.deepEqual(fairnessVerdict(result(38, 203)), { met: false, line: 'missed: 5.34× > 1.5× (by 256%)' });
});

test('verdict: no answers in a run is no verdict, never "met"', () => {
  const none = result(40, 40, 0);
  assert.equal(fairnessVerdict(none).met, false);
  assert.match(fairnessVerdict(none).line, /^no verdict/);
  const nan = { ...result(40, 40), ratio: Number.NaN };
  assert.equal(fairnessVerdict(nan).met, false);
});

test('render: both TTFT rows, the ratio and verdict, the flooder figures; nothing without a result', () => {
  assert.deepEqual(renderFairness(undefined), []);
  const text = renderFairness(result(38, 203)).join('\n');
  assert.match(text, /^## Fairness between gateway users$/m);
  assert.match(text, /^\| alone \| 19 \| 38 \| 30 \| 0 \|$/m);
  assert.match(text, /^\| under the flood \| 102 \| 203 \| 30 \| 0 \|$/m);
  assert.match(
    text,
    /TTFT p90 under the flood ÷ alone: 5\.34×\*\* \(target ≤ 1\.5×\): missed: 5\.34× > 1\.5× \(by 256%\)/,
  );
  assert.match(text, /571 requests answered \(51\.1 req\/s, 3270 output tok\/s\), 670 refused with 429/);
  assert.match(text, /2 failed otherwise/);
  assert.match(text, /144 concurrent streams/);
});
