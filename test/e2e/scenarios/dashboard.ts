// The dashboard opens from the command palette and shows live figures while chat completions stream through the pool.
import assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { type SessionRef, scenario } from '../harness/scenario';
import { startTraffic } from '../harness/sidecarClient';
import { waitFor } from '../harness/waitFor';

interface CardFigures {
  replica: string;
  state: string;
  inflight: number;
  tokensPerSecond: number;
  requests: number;
}

/** The figures of each replica card, as the page shows them (numbers parsed from their text). */
async function readCards(dashboard: FrameLocator): Promise<CardFigures[]> {
  // The page function has no named inner functions: the TypeScript loader would wrap them in a helper the page lacks.
  const raw = await dashboard.locator('.replica-card').evaluateAll((cards) =>
    cards.map((card) => ({
      replica: (card as HTMLElement).dataset.replica ?? '',
      fields: Object.fromEntries(
        [...card.querySelectorAll('[data-field]')].map((el) => [
          (el as HTMLElement).dataset.field ?? '',
          el.textContent?.trim() ?? '',
        ]),
      ),
    })),
  );
  return raw.map(({ replica, fields }) => ({
    replica,
    state: fields['state'] ?? '',
    inflight: figure(fields['inflight']),
    tokensPerSecond: figure(fields['tps']),
    requests: figure(fields['requests']),
  }));
}

/** "12", "3.4", "1.2k" -> a number; "—" -> 0. */
function figure(text: string | undefined): number {
  const match = text?.replace(/,/g, '').match(/^([\d.]+)\s*(k|M)?/);
  if (!match) return 0;
  return Number(match[1]) * (match[2] === 'k' ? 1e3 : match[2] === 'M' ? 1e6 : 1);
}

const totalRequests = (cards: CardFigures[]) => cards.reduce((sum, card) => sum + card.requests, 0);

export function dashboardShowsLiveTraffic(ref: SessionRef): void {
  scenario(
    ref,
    'the dashboard opens and shows live figures while traffic streams',
    '04-dashboard-live',
    { retry: true },
    async (s) => {
      const wb = s.workbench;
      await wb.closeAllEditors();
      await wb.runCommand('vLLM Pools: Open Dashboard');
      await wb.activeTab().filter({ hasText: 'vLLM Pools Dashboard' }).waitFor({ timeout: 30_000 });
      const dashboard = wb.webview();
      await dashboard.locator('.connection.connected').waitFor({ timeout: 30_000 });
      assert.equal((await dashboard.locator('code.endpoint').textContent())?.trim(), s.sidecar.endpoint);
      await waitFor('three replica cards', async () => (await readCards(dashboard)).length === 3);

      const [model] = await s.sidecar.models();
      assert.ok(model, 'the sidecar lists a model');
      const traffic = startTraffic(s.sidecar, model, 6);
      try {
        const live = await waitFor(
          'streams, in-flight requests and tokens/s on the dashboard',
          async () => {
            const cards = await readCards(dashboard);
            const streams = await dashboard.locator('table.streams tbody tr:not(.empty)').count();
            const busy = cards.some((c) => c.inflight > 0) && cards.some((c) => c.tokensPerSecond > 0);
            return streams > 0 && busy ? cards : undefined;
          },
          { timeoutMs: 45_000 },
        );
        await wb.screenshot('04-dashboard-live');
        const before = totalRequests(live);
        await waitFor('the request counters to grow', async () => totalRequests(await readCards(dashboard)) > before, {
          timeoutMs: 30_000,
        });
      } finally {
        await traffic.stop();
      }
      assert.ok(traffic.completed > 0, 'some streams completed');
      assert.equal(traffic.failed, 0, 'no stream failed');
      await waitFor('finished requests listed', async () => {
        return (await dashboard.locator('table.recent tbody tr:not(.empty)').count()) > 0;
      });
    },
  );
}
