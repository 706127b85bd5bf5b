import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeRuns } from '../../../bench/mergeRuns';
import type { BenchResults } from '../../../bench/runBench';

/** A saved run reduced to what merging reads: parts, per-part results tagged with the run they came from. */
function run(tag: string, parts: string[], startedAt: string): BenchResults {
  const routing = parts
    .filter((p) => ['multi-turn', 'random'].includes(p))
    .map((workload) => ({ workload, contender: tag }));
  return {
    parts,
    startedAt,
    wallSeconds: 120,
    command: `bench ${tag}`,
    machine: { loadAverage: [1, 1, 1] },
    machineAtEnd: { loadAverage: [1, 1, 1] },
    routing,
    team: parts.includes('team') ? [{ workload: 'team', contender: tag }] : [],
    proxy: parts.includes('proxy') ? [{ proxy: tag }] : [],
    ...(parts.includes('modelled') ? { modelled: [{ name: tag }] } : {}),
  } as unknown as BenchResults;
}

test('a later run replaces only its own parts, and the report knows it', () => {
  const full = run('full', ['multi-turn', 'random', 'team', 'modelled', 'proxy'], '2026-12-06T04:20:00Z');
  const rerun = run('again', ['random', 'proxy'], '2026-12-06T07:40:00Z');
  const merged = mergeRuns([full, rerun]);
  const from = (rows: unknown[]) => rows.map((r) => JSON.stringify(r));
  assert.deepEqual(from(merged.routing), [
    JSON.stringify({ workload: 'multi-turn', contender: 'full' }),
    JSON.stringify({ workload: 'random', contender: 'again' }),
  ]);
  assert.deepEqual(merged.proxy, [{ proxy: 'again' }]);
  assert.deepEqual(merged.team, [{ workload: 'team', contender: 'full' }]);
  assert.deepEqual(merged.modelled, [{ name: 'full' }]);
  assert.equal(merged.startedAt, full.startedAt);
  assert.deepEqual(merged.parts, full.parts);
  assert.equal(merged.reruns?.length, 1);
  assert.deepEqual(merged.reruns?.[0]?.parts, ['random', 'proxy']);
  assert.equal(merged.reruns?.[0]?.startedAt, rerun.startedAt);
});

test('one run is itself; no run is an error', () => {
  const only = run('full', ['multi-turn'], '2026-12-06T04:20:00Z');
  assert.deepEqual(mergeRuns([only]).routing, only.routing);
  assert.deepEqual(mergeRuns([only]).reruns, []);
  assert.throws(() => mergeRuns([]), /no saved run/);
});
