// Another extension asks for a chat reply through vscode.lm: selectChatModels({ vendor }) finds the pool's model,
// sendRequest streams the reply, and the request is counted by the sidecar.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../harness/paths';
import { type SessionRef, scenario } from '../harness/scenario';
import { waitFor } from '../harness/waitFor';
import { type LmLatency, latencyReport, providerTimingLines } from './lmLatency';

interface LmResult {
  vendor?: string;
  models: string[];
  model?: string;
  fragments: number;
  text: string;
  firstFragmentMs?: number;
  totalMs?: number;
  error?: string;
  latency?: LmLatency;
}

function providerVendor(): string | undefined {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return manifest.contributes?.languageModelChatProviders?.[0]?.vendor;
}

export function lmChatThroughPool(ref: SessionRef): void {
  scenario(
    ref,
    'a test extension streams a chat reply through vscode.lm and the pool',
    '06-lm-chat',
    { retry: true, timeoutMs: 200_000 },
    async (s) => {
      const wb = s.workbench;
      const vendor = providerVendor();
      assert.ok(vendor, 'package.json contributes a languageModelChatProvider');
      const resultPath = join(s.folder, 'lm-result.json');
      rmSync(resultPath, { force: true });
      const requestsBefore = (await s.sidecar.state()).pools
        .flatMap((p) => p.replicas)
        .reduce((n, r) => n + r.requests, 0);

      await wb.closeAllEditors();
      let allowClickedAt: number | undefined;
      await wb.runCommand('vLLM Pools E2E: Ask the Pool through vscode.lm');
      const result = await waitFor(
        'the test extension to finish its vscode.lm request',
        async () => {
          // VS Code may ask once whether the test extension may use the provider's models: a person says Allow.
          const allow = wb.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Allow$/ }).first();
          if (await allow.isVisible()) {
            allowClickedAt ??= Date.now();
            await allow.click();
          }
          return existsSync(resultPath) ? (JSON.parse(readFileSync(resultPath, 'utf8')) as LmResult) : undefined;
        },
        { timeoutMs: 90_000 },
      );
      assert.equal(result.error, undefined, `vscode.lm request failed: ${result.error}`);
      assert.equal(result.vendor, vendor);
      assert.ok(result.models.length > 0 && result.model, 'selectChatModels found the pool’s model');
      assert.ok(result.fragments > 1, `the reply streamed in several fragments (got ${result.fragments})`);
      assert.ok(result.text.trim().length > 0, 'the reply has text');
      // Printed, not asserted (no wall-clock asserts): the figure issue 22 asked for.
      console.log(`# vscode.lm first fragment after ${result.firstFragmentMs} ms, whole reply ${result.totalMs} ms`);
      if (result.latency) {
        const lines = latencyReport(result.latency, allowClickedAt, providerTimingLines(join(s.base, 'user-data')));
        for (const line of lines) console.log(line);
      }
      await wb.waitForNotification(/fragments streamed through vLLM Pools/);
      await waitFor('the sidecar to count the request', async () => {
        const state = await s.sidecar.state();
        return state.pools.flatMap((p) => p.replicas).reduce((n, r) => n + r.requests, 0) > requestsBefore;
      });
      await wb.screenshot('06-lm-chat');
    },
  );
}
