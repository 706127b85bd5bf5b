import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agenticRows, agenticVerdict, renderAgentic } from '../../../bench/agenticReport';
import type { ContenderSpec } from '../../../bench/contenders';
import type { RoutingResult } from '../../../bench/routing';

function result(contender: string, spec: ContenderSpec, seed: number, p90: number, out: number, hit: number) {
  return {
    workload: 'agentic-few-large ×4',
    contender,
    spec,
    rate: 12,
    seed,
    summary: { ttft: { p90 }, outputThroughput: out },
    hitRate: hit,
  } as unknown as RoutingResult;
}

const limit = { kind: 'limit' } as const;
const peer = { kind: 'peer' } as const;
const prefix = { kind: 'sidecar', algorithm: 'prefix-aware' } as const;
const runs = [
  result('LIMIT (developer groups pinned, balanced)', limit, 1, 600, 380, 0.87),
  result('LIMIT (developer groups pinned, balanced)', limit, 2, 400, 360, 0.87),
  result('peer cache_aware (SGLang router defaults)', peer, 1, 700, 370, 0.86),
  result('sidecar prefix-aware', prefix, 1, 800, 370, 0.86),
  result('sidecar prefix-aware', prefix, 2, 600, 350, 0.84),
  result('8 sidecars prefix-aware', prefix, 1, 2400, 300, 0.7),
];

test('agentic rows are means over seeds, with the TTFT p90 range', () => {
  const rows = agenticRows(runs, 'agentic-few-large ×4');
  const one = rows.find((r) => r.contender === 'sidecar prefix-aware')!;
  assert.equal(one.seeds, 2);
  assert.equal(one.ttftP90, 700);
  assert.equal(one.ttftP90Min, 600);
  assert.equal(one.ttftP90Max, 800);
  assert.equal(one.outTokS, 360);
  assert.ok(Math.abs(one.hitRate - 0.85) < 1e-12);
  assert.equal(rows.find((r) => r.limit)?.ttftP90, 500);
  assert.equal(rows.find((r) => r.contender.startsWith('8 sidecars'))?.team, true);
  assert.equal(agenticRows(runs, 'agentic-many-small ×4').length, 0);
});

test('agentic targets: each miss is named with its size', () => {
  const rows = agenticRows(runs, 'agentic-few-large ×4');
  const l = rows.find((r) => r.limit)!;
  const p = rows.find((r) => r.peer)!;
  const one = agenticVerdict(rows.find((r) => r.contender === 'sidecar prefix-aware')!, l, p);
  assert.equal(one.met, true, one.misses.join('; '));
  const team = agenticVerdict(rows.find((r) => r.team)!, l, p);
  assert.equal(team.met, false);
  assert.deepEqual(team.misses, [
    "TTFT p90 4.80× the LIMIT's (goal ≤ 2×)",
    "hit rate 80% of the LIMIT's (goal ≥ 90%)",
    "out tok/s 81% of the LIMIT's (goal ≥ 95%)",
    "TTFT p90 3.43× the peer's (goal ≤ 1×)",
  ]);
  const md = renderAgentic(runs, undefined).join('\n');
  assert.match(md, /### agentic-few-large ×4/);
  assert.match(md, /\| agentic-few-large ×4 \| team \| 8 sidecars prefix-aware \| 4\.80× \|.*\*\*no\*\*/);
  assert.match(md, /\| agentic-few-large ×4 \| one sidecar \| sidecar prefix-aware \| 1\.40× \|.*\| yes \|/);
});
