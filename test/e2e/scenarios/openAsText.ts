// "Open as Text" in the config editor (issue 22): the text editor takes the form's place, so one tab titled
// vllm-pools.yaml stays, not two with the same title (as VS Code's settings editor switches between UI and JSON).
import assert from 'node:assert/strict';
import { type SessionRef, scenario } from '../harness/scenario';
import { waitFor } from '../harness/waitFor';

export function openAsTextLeavesOneTab(ref: SessionRef): void {
  scenario(
    ref,
    'Open as Text replaces the config editor with one text tab',
    '10-open-as-text',
    { retry: true },
    async (s) => {
      const wb = s.workbench;
      await wb.closeAllEditors();
      await wb.runCommand('vLLM Pools: Open Config Editor');
      await wb.activeTab().filter({ hasText: 'vllm-pools.yaml' }).waitFor({ timeout: 30_000 });
      const openAsText = wb.webview().locator('button[data-key="openAsText"]');
      await openAsText.waitFor({ timeout: 30_000 });
      await openAsText.click();
      const tabs = wb.page.locator('.part.editor .tabs-container .tab');
      const titles = await waitFor(
        'the text editor alone in the form’s place',
        async () => {
          const texts = (await tabs.allInnerTexts()).map((text) => text.trim());
          const textEditor = await wb.page.locator('.part.editor .monaco-editor .view-lines').first().isVisible();
          return textEditor && texts.length === 1 ? texts : undefined;
        },
        { timeoutMs: 20_000 },
      );
      assert.match(titles[0] ?? '', /vllm-pools\.yaml/);
      assert.equal(await wb.page.locator('iframe.webview.ready:visible').count(), 0, 'no form left open');
      await wb.screenshot('10-open-as-text');
      await wb.closeAllEditors();
    },
  );
}
