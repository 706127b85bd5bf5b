import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barChart, escapeXml, lineChart, niceTicks } from '../../../bench/svg';

function wellFormed(svg: string): void {
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.ok(!/NaN|Infinity|undefined/.test(svg), 'no NaN/Infinity/undefined in coordinates');
}

test('niceTicks: round steps covering the range', () => {
  assert.deepEqual(niceTicks(0, 10), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(5, 5), [5]);
  assert.deepEqual(niceTicks(0, Number.NaN), [0]);
});

test('line chart: one path per series with 2+ points, a legend entry per series, escaped names', () => {
  const svg = lineChart({
    title: 'TTFT <p90>',
    xLabel: 'rate',
    yLabel: 'ms',
    series: [
      {
        name: 'a & b',
        points: [
          { x: 1, y: 10 },
          { x: 2, y: 100 },
          { x: 3, y: 1000 },
        ],
      },
      {
        name: 'LIMIT',
        points: [
          { x: 1, y: 5 },
          { x: 3, y: 50 },
        ],
        dashed: true,
      },
      { name: 'single', points: [{ x: 2, y: 20 }] },
    ],
    logY: true,
  });
  wellFormed(svg);
  assert.equal((svg.match(/<path /g) ?? []).length, 2);
  assert.equal((svg.match(/<circle /g) ?? []).length, 6);
  assert.ok(svg.includes('a &amp; b'));
  assert.ok(svg.includes('TTFT &lt;p90&gt;'));
  assert.ok(svg.includes('stroke-dasharray'));
});

test('line chart: no data or non-positive values on a log axis still give a valid chart', () => {
  wellFormed(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [], logY: true }));
  wellFormed(
    lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [{ x: 1, y: 0 }] }], logY: true }),
  );
});

test('bar chart: bar widths proportional to values, NaN drawn as a dash', () => {
  const svg = barChart({
    title: 'hit rate',
    yLabel: '%',
    bars: [
      { label: 'x', value: 50 },
      { label: 'y', value: 100, highlight: true },
      { label: 'z', value: Number.NaN },
    ],
  });
  wellFormed(svg);
  const widths = [...svg.matchAll(/<rect x="250" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 3);
  assert.ok(Math.abs(widths[1]! - 2 * widths[0]!) < 0.2);
  assert.equal(widths[2], 0);
  assert.ok(svg.includes('>–<'));
});

test('escapeXml', () => {
  assert.equal(escapeXml(`<a href="x">&</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
});
