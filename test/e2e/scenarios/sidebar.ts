// The person opens the vLLM Pools sidebar: the pool and its replicas appear, turn healthy, and the status bar agrees.
import assert from 'node:assert/strict';
import { type SessionRef, scenario } from '../harness/scenario';
import { POOL_NAME, replicaName } from '../harness/workspace';
import { POOLS_VIEW, replicaRowsIn } from './treeRows';

export function sidebarShowsHealthyReplicas(ref: SessionRef): void {
  scenario(
    ref,
    'the sidebar shows the pool and its replicas turning healthy',
    '01-sidebar-healthy',
    { retry: true, timeoutMs: 240_000 },
    async (s) => {
      const wb = s.workbench;
      await wb.openViewContainer('vLLM Pools');
      const rows = await wb.waitForTree(
        POOLS_VIEW,
        'the pool and three healthy replicas',
        (rows) =>
          rows.some((r) => r.startsWith(POOL_NAME) && r.includes('least-connections · 3/3')) &&
          replicaRowsIn(rows, 'healthy').length === 3,
        120_000,
      );
      for (let i = 0; i < 3; i++)
        assert.ok(
          rows.some((r) => r.startsWith(replicaName(i))),
          `row for ${replicaName(i)}`,
        );
      await wb.waitForStatusBar(/^vLLM 3\/3 · least-connections$/);
      const state = await s.sidecar.state();
      assert.deepEqual(
        state.pools[0]?.replicas.map((r) => [r.name, r.state]),
        [0, 1, 2].map((i) => [replicaName(i), 'healthy']),
      );
      await wb.screenshot('01-sidebar-healthy');
    },
  );
}
