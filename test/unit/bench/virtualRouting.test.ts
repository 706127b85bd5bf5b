import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agenticWorkload } from '../../../bench/agentic';
import { makeAgenticPlan } from '../../../bench/agenticPlan';
import { runVirtual } from '../../../bench/virtualRouting';

function run(algorithm: 'least-connections' | 'queue-aware', sidecars: number, seed: number, quick = false) {
  const plan = makeAgenticPlan(quick);
  const fewLarge = plan.shapes.find((s) => s.shape === 'few-large')!;
  const workload = agenticWorkload({ ...fewLarge, developers: fewLarge.developersPerReplica * 4, seed });
  return runVirtual({
    workload,
    algorithm,
    replicas: 4,
    sidecars,
    rate: fewLarge.ratePerReplica * 4,
    kvBlocks: plan.kvBlocks,
    seed,
  });
}

test('virtual routing serves every request, is deterministic for a seed, and counts shares and hits', () => {
  const first = run('queue-aware', 8, 1, true);
  const again = run('queue-aware', 8, 1, true);
  assert.deepEqual(first, again);
  const fewLarge = makeAgenticPlan(true).shapes.find((s) => s.shape === 'few-large')!;
  assert.equal(first.completed, 8 * fewLarge.conversationsPerDeveloper * fewLarge.turns);
  assert.ok(Math.abs(first.shares.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.ok(first.hitRate > 0 && first.hitRate < 1, `hit ${first.hitRate}`);
  assert.ok(first.ttftP90 >= first.ttftP50 && first.ttftP50 > 0);
});

test('a team of 8 sidecars: queue-aware (engine load, own starts × 1/share) beats least-connections (own counts)', () => {
  // The bench's few-large ×4 shape. Modelled time, not wall clock. Least-connections in a team sees one developer's requests and spreads each
  // developer's conversations nearly at random; queue-aware reads the engines every sidecar shares.
  for (const seed of [1, 2]) {
    const least = run('least-connections', 8, seed);
    const queue = run('queue-aware', 8, seed);
    assert.ok(queue.ttftP90 < least.ttftP90, `seed ${seed}: queue ${queue.ttftP90} vs least ${least.ttftP90}`);
  }
});
