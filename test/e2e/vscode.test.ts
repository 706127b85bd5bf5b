// End-to-end: the packaged extension in real VS Code (code-server) driven by Chromium, against simulated replicas.
// Scenarios run in order on one session; each leaves the workbench as the next one expects it.
// Run with `npm run test:e2e` (it installs code-server and Chromium first; see test/e2e/setup.sh).
import { after, before, describe } from 'node:test';
import type { SessionRef } from './harness/scenario';
import { Session } from './harness/session';
import { configEditorAddsReplica } from './scenarios/configEditor';
import { dashboardShowsLiveTraffic } from './scenarios/dashboard';
import { dashboardShowsUsers } from './scenarios/dashboardUsers';
import { drainReplicaFromContextMenu } from './scenarios/drainReplica';
import { lmChatThroughPool } from './scenarios/lmChat';
import { openAsTextLeavesOneTab } from './scenarios/openAsText';
import { killedReplicaTurnsUnhealthy } from './scenarios/replicaKilled';
import { sidebarShowsHealthyReplicas } from './scenarios/sidebar';
import { sidecarRestartsAfterKill } from './scenarios/sidecarRestart';
import { switchAlgorithmFromPalette } from './scenarios/switchAlgorithm';

const ref: SessionRef = { session: undefined };

describe('vLLM Pools in VS Code (code-server + Chromium)', { timeout: 600_000 }, () => {
  before(
    async () => {
      ref.session = await Session.start(3);
    },
    { timeout: 240_000 },
  );
  after(
    async () => {
      await ref.session?.stop();
    },
    { timeout: 60_000 },
  );

  sidebarShowsHealthyReplicas(ref);
  switchAlgorithmFromPalette(ref);
  drainReplicaFromContextMenu(ref);
  dashboardShowsLiveTraffic(ref);
  configEditorAddsReplica(ref);
  lmChatThroughPool(ref);
  killedReplicaTurnsUnhealthy(ref);
  sidecarRestartsAfterKill(ref);
  dashboardShowsUsers(ref);
  openAsTextLeavesOneTab(ref);
});
