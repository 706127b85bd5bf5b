// A replica is drained from its context menu in the tree (and enabled again the same way).
import assert from 'node:assert/strict';
import { type SessionRef, scenario } from '../harness/scenario';
import { waitFor } from '../harness/waitFor';
import { replicaName } from '../harness/workspace';
import { POOLS_VIEW, rowShows } from './treeRows';

export function drainReplicaFromContextMenu(ref: SessionRef): void {
  scenario(ref, 'a replica is drained from its context menu', '03-drain-replica', { retry: true }, async (s) => {
    const wb = s.workbench;
    const name = replicaName(1);
    await wb.openViewContainer('vLLM Pools');
    if ((await s.sidecar.state()).pools[0]?.replicas.find((r) => r.name === name)?.state === 'draining') {
      // Left draining by a failed first attempt: enable it again before retrying.
      await wb.contextMenu(wb.treeRow(POOLS_VIEW, name), 'Enable Replica');
      await wb.waitForTree(POOLS_VIEW, `${name} healthy`, (rows) => rowShows(rows, name, 'healthy'));
    }
    await wb.contextMenu(wb.treeRow(POOLS_VIEW, name), 'Drain Replica');
    await wb.waitForNotification(new RegExp(`${name} is draining`));
    const rows = await wb.waitForTree(POOLS_VIEW, `${name} draining`, (rows) => rowShows(rows, name, 'draining'));
    assert.ok(rowShows(rows, replicaName(0), 'healthy') && rowShows(rows, replicaName(2), 'healthy'), rows.join('\n'));
    await waitFor(`the sidecar to report ${name} draining`, async () => {
      const state = await s.sidecar.state();
      return state.pools[0]?.replicas.find((r) => r.name === name)?.state === 'draining';
    });
    await wb.screenshot('03-drain-replica');

    await wb.contextMenu(wb.treeRow(POOLS_VIEW, name), 'Enable Replica');
    await wb.waitForNotification(new RegExp(`${name} takes requests again`));
    await wb.waitForTree(POOLS_VIEW, `${name} healthy again`, (rows) => rowShows(rows, name, 'healthy'));
    await waitFor(`the sidecar to report ${name} healthy`, async () => {
      const state = await s.sidecar.state();
      return state.pools[0]?.replicas.find((r) => r.name === name)?.state === 'healthy';
    });
  });
}
