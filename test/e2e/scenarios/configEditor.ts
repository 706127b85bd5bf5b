// The config editor opens on vllm-pools.yaml, a replica is added in its form and saved; the sidecar picks it up.
import assert from 'node:assert/strict';
import { type SessionRef, scenario } from '../harness/scenario';
import { waitFor } from '../harness/waitFor';
import { POOL_NAME, readConfig } from '../harness/workspace';
import { POOLS_VIEW, rowShows } from './treeRows';

export function configEditorAddsReplica(ref: SessionRef): void {
  scenario(
    ref,
    'the config editor adds a replica and the sidecar picks it up',
    '05-config-editor',
    { retry: true },
    async (s) => {
      const wb = s.workbench;
      const replica = s.replicas[3] ?? (await s.addReplica());
      const name = new URL(replica.url).host;
      await wb.closeAllEditors();
      await wb.runCommand('vLLM Pools: Open Config Editor');
      await wb.activeTab().filter({ hasText: 'vllm-pools.yaml' }).waitFor({ timeout: 30_000 });
      const form = wb.webview();
      const urlInput = form.locator('input[aria-label="URL of the new replica"]');
      await urlInput.waitFor({ timeout: 30_000 });
      await waitFor('the form to enable its inputs', async () => !(await urlInput.isDisabled()));

      if (!readConfig(s.configPath).includes(replica.url)) {
        // URL and Enter, the name left to its default (host:port). The form keeps every uncommitted field across
        // re-renders now (test/integration/configEditor/drafts.test.ts fills URL and name and clicks Add replica).
        await urlInput.fill(replica.url);
        await urlInput.press('Enter');
        await wb.activeTab().and(wb.page.locator('.dirty')).waitFor({ timeout: 15_000 });
        await form.locator(`input[value="${replica.url}"]`).first().waitFor({ timeout: 15_000 });
        await wb.screenshot('05-config-editor-added');
        await wb.page.keyboard.press('Control+S');
        await wb.activeTab().and(wb.page.locator('.dirty')).waitFor({ state: 'detached', timeout: 15_000 });
      }
      const yaml = readConfig(s.configPath);
      assert.ok(yaml.includes(`- url: ${replica.url}`), yaml);
      assert.ok(yaml.startsWith('# vLLM Pools end-to-end workspace'), 'the comment at the top is kept');

      await waitFor(`the sidecar to serve ${name}`, async () => {
        const state = await s.sidecar.state();
        const replicas = state.pools.find((p) => p.name === POOL_NAME)?.replicas ?? [];
        return replicas.length === 4 && replicas.find((r) => r.name === name)?.state === 'healthy';
      });
      await wb.waitForTree(POOLS_VIEW, `${name} healthy`, (rows) => rowShows(rows, name, 'healthy'));
      await wb.waitForStatusBar(/^vLLM 4\/4 · /);
      await wb.screenshot('05-config-editor');
    },
  );
}
