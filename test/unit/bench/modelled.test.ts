// The modelled-routing part of the bench: a tiny plan runs the real balancers in modelled time, and the report picks
// the best sidecar algorithm and divides by the LIMIT, the peer and least connections.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ModelledRow, makeModelledPlan, runModelled } from '../../../bench/modelledPart';
import { renderModelled } from '../../../bench/modelledReport';

test('the plan covers one sidecar and a team of 8, with and without prefixes, and held-out-like shapes', () => {
  const plan = makeModelledPlan(false);
  const names = plan.cases.map((c) => c.name);
  assert.ok(names.includes('few-large ×4, team of 8') && names.includes('few-large ×8, one sidecar'));
  assert.ok(names.some((n) => n.startsWith('few-large, 8 short turns')));
  assert.equal(plan.cases.find((c) => c.name.startsWith('random'))?.prefixes, false);
  assert.ok(plan.algorithms.includes('prefix-aware') && plan.algorithms.includes('least-connections'));
});

test('a run gives one row per contender, the references only where there are prefixes', () => {
  const full = makeModelledPlan(true);
  const cases = full.cases.filter((c) => c.name === 'many-small ×4, team of 8' || c.name === 'random ×4, one sidecar');
  const rows = runModelled({ seeds: [1], cases, algorithms: ['least-connections', 'prefix-aware'] }, () => {});
  const of = (name: string) => rows.filter((r) => r.case === name).map((r) => r.contender);
  assert.deepEqual(of('many-small ×4, team of 8'), ['least-connections', 'prefix-aware', 'limit', 'peer']);
  assert.deepEqual(of('random ×4, one sidecar'), ['least-connections', 'prefix-aware']);
  for (const row of rows) assert.ok(row.ttftP90 > 0 && row.ttftP90Min <= row.ttftP90 && row.ttftP90 <= row.ttftP90Max);
  const prefix = rows.find((r) => r.case === 'many-small ×4, team of 8' && r.contender === 'prefix-aware')!;
  const lc = rows.find((r) => r.case === 'many-small ×4, team of 8' && r.contender === 'least-connections')!;
  assert.ok(prefix.hitRate > lc.hitRate, `prefix-aware ${prefix.hitRate} vs least-connections ${lc.hitRate}`);
});

test('the report names the best sidecar algorithm and its ratios to the LIMIT, the peer and least connections', () => {
  const row = (contender: ModelledRow['contender'], ttftP90: number, hitRate: number): ModelledRow => ({
    case: 'c',
    contender,
    seeds: 2,
    ttftP90,
    ttftP90Min: ttftP90 - 10,
    ttftP90Max: ttftP90 + 10,
    hitRate,
  });
  const md = renderModelled([
    row('least-connections', 800, 0.3),
    row('prefix-aware', 600, 0.8),
    row('queue-aware', 880, 0.4),
    row('limit', 300, 0.85),
    row('peer', 400, 0.85),
  ]).join('\n');
  const target = md.split('\n').find((line) => line.startsWith('| c | prefix-aware |'));
  assert.ok(target, md);
  assert.match(target, /\| 600 \(590–610\) \| 2\.00× \| 94\.1% \| 1\.50× \| 0\.75× \| 1\.10× \|/);
});
