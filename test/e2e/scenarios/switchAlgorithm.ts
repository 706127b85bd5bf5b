// "Switch Load-Balancing Algorithm" from the command palette: the tree, the sidecar and the YAML all change.
import assert from 'node:assert/strict';
import { type SessionRef, scenario } from '../harness/scenario';
import { waitFor } from '../harness/waitFor';
import { POOL_NAME, readConfig } from '../harness/workspace';
import { POOLS_VIEW } from './treeRows';

export function switchAlgorithmFromPalette(ref: SessionRef): void {
  scenario(
    ref,
    'Switch Load-Balancing Algorithm from the command palette',
    '02-switch-algorithm',
    { retry: true },
    async (s) => {
      const wb = s.workbench;
      await wb.runCommand('vLLM Pools: Switch Load-Balancing Algorithm');
      const offered = await wb.quickPickRows();
      assert.ok(
        offered.some((row) => row.includes('power-of-two')),
        `algorithms offered: ${offered.join(' / ')}`,
      );
      await wb.screenshot('02-switch-algorithm-pick');
      await wb.pick(/^power-of-two/, 'power-of-two');
      await wb.waitForNotification(/all pools use power-of-two/);

      await wb.waitForTree(POOLS_VIEW, 'the pool on power-of-two', (rows) =>
        rows.some((r) => r.startsWith(POOL_NAME) && r.includes('power-of-two · 3/3')),
      );
      await wb.waitForStatusBar(/^vLLM 3\/3 · power-of-two$/);
      const state = await waitFor('the sidecar to report power-of-two', async () => {
        const snapshot = await s.sidecar.state();
        return snapshot.pools[0]?.algorithm === 'power-of-two' ? snapshot : undefined;
      });
      assert.equal(state.pools.length, 1);
      assert.match(readConfig(s.configPath), /^algorithm: power-of-two$/m);
      assert.doesNotMatch(readConfig(s.configPath), /least-connections/);
      await wb.screenshot('02-switch-algorithm');
    },
  );
}
