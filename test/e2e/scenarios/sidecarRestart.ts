// The sidecar process is killed: the extension starts it again, and the tree and status bar come back.
import assert from 'node:assert/strict';
import { type SessionRef, scenario } from '../harness/scenario';
import { waitFor } from '../harness/waitFor';
import { POOL_NAME } from '../harness/workspace';
import { POOLS_VIEW } from './treeRows';

export function sidecarRestartsAfterKill(ref: SessionRef): void {
  scenario(ref, 'the sidecar restarts after it is killed', '08-sidecar-restart', { retry: true }, async (s) => {
    const wb = s.workbench;
    await wb.openViewContainer('vLLM Pools');
    const before = s.sidecarProcess();
    assert.ok(before, 'a sidecar listens on the configured port');
    assert.match(before.cmdline, /sidecar\.js serve /, `the listener is the sidecar: ${before.cmdline}`);
    const algorithm = (await s.sidecar.state()).pools[0]?.algorithm;

    process.kill(before.pid, 'SIGKILL');
    const after = await waitFor(
      'a new sidecar process on the same port',
      () => {
        const listener = s.sidecarProcess();
        return listener && listener.pid !== before.pid ? listener : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.match(after.cmdline, /sidecar\.js serve /);
    await waitFor('the new sidecar to be healthy', () => s.sidecar.healthy(), { timeoutMs: 30_000 });
    const state = await s.sidecar.state();
    assert.equal(state.pools[0]?.algorithm, algorithm, 'the algorithm written to the YAML survives the restart');
    await wb.waitForTree(
      POOLS_VIEW,
      'the pool again',
      (rows) => rows.some((r) => r.startsWith(POOL_NAME) && r.includes(`${algorithm} ·`)),
      30_000,
    );
    await wb.waitForStatusBar(new RegExp(`^vLLM \\d+/\\d+ · ${algorithm}$`));
    await wb.screenshot('08-sidecar-restart');
  });
}
