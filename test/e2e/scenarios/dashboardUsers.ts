// Gateway users on the dashboard (issue 21): `users:` is added to vllm-pools.yaml (the extension reloads the sidecar),
// two users send traffic (alice streams; bob goes over his limit of 5 requests a minute), and the dashboard's users
// table shows both with the sidecar's own figures. The config is restored at the end, so later scenarios see no users.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { FrameLocator } from 'playwright-core';
import type { UserState } from '../../../core/protocol';
import { type SessionRef, scenario } from '../harness/scenario';
import type { Session } from '../harness/session';
import { startTraffic } from '../harness/sidecarClient';
import { waitFor } from '../harness/waitFor';
import { readConfig } from '../harness/workspace';

// Literal tokens keep the test self-contained; a real config would write ${secret:...} or ${env:...}.
const ALICE_TOKEN = 'e2e-alice-token-7f3c9a';
const BOB_TOKEN = 'e2e-bob-token-2d81e4';
const BOB_LIMIT = 5;
const BOB_SENDS = 8;

const USERS_YAML = `users:
  - name: alice
    token: ${ALICE_TOKEN}
  - name: bob
    token: ${BOB_TOKEN}
    limits: { requestsPerMinute: ${BOB_LIMIT} }
`;

interface UserRow {
  user: string;
  inFlight: string;
  requestsPerMinute: string;
  requests: string;
  refused: string;
}

/** The users table as the page shows it: one entry per row, cells by column header. */
async function readUsersTable(dashboard: FrameLocator): Promise<UserRow[]> {
  const rows = await dashboard.locator('table.users').evaluate((table) => {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '');
    return [...table.querySelectorAll('tbody tr[data-key]')].map((tr) =>
      Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [headers[i], td.textContent?.trim() ?? ''])),
    );
  });
  return rows.map((cells) => ({
    user: cells['User'] ?? '',
    inFlight: cells['In flight'] ?? '',
    requestsPerMinute: cells['Requests/min'] ?? '',
    requests: cells['Requests'] ?? '',
    refused: cells['429s'] ?? '',
  }));
}

async function sidecarUsers(s: Session): Promise<UserState[] | undefined> {
  return (await s.sidecar.state()).users;
}

export function dashboardShowsUsers(ref: SessionRef): void {
  scenario(
    ref,
    'the dashboard lists gateway users with their figures while two users send traffic',
    '09-dashboard-users',
    { retry: true, timeoutMs: 180_000 },
    async (s) => {
      const wb = s.workbench;
      const original = readConfig(s.configPath);
      assert.ok(!original.includes('users:'), 'the workspace starts without users');
      // Asked before users are configured: from then on every request needs a user's token.
      const [model] = await s.sidecar.models();
      assert.ok(model, 'the sidecar lists a model');
      await wb.closeAllEditors();
      writeFileSync(s.configPath, `${original.trimEnd()}\n${USERS_YAML}`);
      try {
        // A user has a row from its first request on; before that the sidecar reports an empty list.
        await waitFor('the sidecar to run with users', async () => (await sidecarUsers(s)) !== undefined, {
          timeoutMs: 30_000,
        });
        await wb.runCommand('vLLM Pools: Open Dashboard');
        await wb.activeTab().filter({ hasText: 'vLLM Pools Dashboard' }).waitFor({ timeout: 30_000 });
        const dashboard = wb.webview();
        await dashboard.locator('.connection.connected').waitFor({ timeout: 30_000 });
        const table = dashboard.locator('table.users');
        await table.waitFor({ state: 'visible', timeout: 30_000 });

        const alice = startTraffic(s.sidecar, model, 3, 400, ALICE_TOKEN);
        const bob = startTraffic(s.sidecar, model, 1, BOB_SENDS, BOB_TOKEN);
        try {
          // bob's few requests run to their end (the last ones refused) while alice keeps streaming.
          await waitFor('bob to send his requests', async () => bob.completed + bob.failed === BOB_SENDS, {
            timeoutMs: 30_000,
          });
          await waitFor(
            'alice streaming and bob over his limit in the users table',
            async () => {
              const rows = await readUsersTable(dashboard);
              const a = rows.find((row) => row.user === 'alice');
              const b = rows.find((row) => row.user === 'bob');
              return a && b && Number(a.inFlight) > 0 && b.refused === String(BOB_SENDS - BOB_LIMIT);
            },
            { timeoutMs: 45_000 },
          );
          await table.scrollIntoViewIfNeeded();
          await wb.screenshot('09-dashboard-users');
        } finally {
          await alice.stop();
          await bob.stop();
        }
        assert.equal(alice.failed, 0, 'alice has no limit: none of her streams failed');
        assert.ok(alice.completed > 0, 'alice completed streams');
        assert.equal(bob.completed, BOB_LIMIT, 'bob was served up to his limit');
        assert.equal(bob.failed, BOB_SENDS - BOB_LIMIT, 'bob was refused past it');

        // Once the traffic is over, the table shows exactly what the sidecar counted.
        const shown = await waitFor(
          'the users table to match the sidecar once traffic stopped',
          async () => {
            const state = await sidecarUsers(s);
            const rows = await readUsersTable(dashboard);
            const a = state?.find((user) => user.user === 'alice');
            const aRow = rows.find((row) => row.user === 'alice');
            const bRow = rows.find((row) => row.user === 'bob');
            const matches =
              a !== undefined &&
              aRow?.requests === a.requests.toLocaleString('en-US') &&
              aRow.inFlight === '0' &&
              bRow?.inFlight === '0';
            return matches ? { rows, aliceRequests: a.requests } : undefined;
          },
          { timeoutMs: 20_000 },
        );
        assert.equal(shown.aliceRequests, alice.completed, 'every completed stream of alice counted');
        const bobRow = shown.rows.find((row) => row.user === 'bob');
        assert.deepEqual(bobRow && [bobRow.requests, bobRow.requestsPerMinute, bobRow.refused], [
          String(BOB_LIMIT),
          `${BOB_LIMIT} / ${BOB_LIMIT}`,
          String(BOB_SENDS - BOB_LIMIT),
        ]);
        const aliceRow = shown.rows.find((row) => row.user === 'alice');
        assert.equal(aliceRow?.refused, '0');
        assert.ok(!JSON.stringify(shown.rows).includes(ALICE_TOKEN), 'no token on the page');
      } finally {
        writeFileSync(s.configPath, original);
        await waitFor('the sidecar to run without users again', async () => (await sidecarUsers(s)) === undefined, {
          timeoutMs: 30_000,
        });
      }
    },
  );
}
