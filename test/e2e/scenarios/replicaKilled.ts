// A replica's process is killed (as a crashed GPU server would be): the tree and the status bar show it down.
import assert from 'node:assert/strict';
import { type SessionRef, scenario } from '../harness/scenario';
import { waitFor } from '../harness/waitFor';
import { replicaName } from '../harness/workspace';
import { POOLS_VIEW, rowShows } from './treeRows';

export function killedReplicaTurnsUnhealthy(ref: SessionRef): void {
  scenario(
    ref,
    'a killed replica turns unhealthy in the tree and the status bar',
    '07-replica-killed',
    { retry: true },
    async (s) => {
      const wb = s.workbench;
      const victim = s.replicas[2]!;
      const name = replicaName(2);
      const total = (await s.sidecar.state()).pools.flatMap((p) => p.replicas).length;
      await wb.closeAllEditors();
      await wb.openViewContainer('vLLM Pools');
      await victim.process.kill();

      const rows = await wb.waitForTree(POOLS_VIEW, `${name} down`, (rows) => rowShows(rows, name, 'unhealthy'));
      assert.ok(rowShows(rows, replicaName(0), 'healthy'), rows.join('\n'));
      await wb.waitForStatusBar(new RegExp(`^vLLM ${total - 1}/${total} · `));
      const state = await waitFor(`the sidecar to report ${name} unhealthy`, async () => {
        const snapshot = await s.sidecar.state();
        return snapshot.pools[0]?.replicas.find((r) => r.name === name)?.state === 'unhealthy' ? snapshot : undefined;
      });
      assert.equal(state.pools[0]?.replicas.filter((r) => r.state === 'healthy').length, total - 1);
      await wb.screenshot('07-replica-killed');
    },
  );
}
