// The dashboard page in headless Chromium under each theme, and a page reloaded from the state it saved.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { StateSnapshot } from '../../../core/protocol';
import { lastSnapshot, recordFixture } from './fixture';
import {
  CHROMIUM,
  type DashboardPage,
  type DashboardSite,
  fullMessageAfter,
  launchChromium,
  openDashboard,
  serveDashboard,
  waitFor,
} from './harness';
import { DARK_MODERN, HIGH_CONTRAST, LIGHT_MODERN } from './themes';

const STREAMS = 50;
const recording = recordFixture({ streams: STREAMS, seconds: 120 });
const snapshot = lastSnapshot(recording);
const full = fullMessageAfter(recording);
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

let site: DashboardSite;
let browser: Browser;

before(async () => {
  if (skip) return;
  site = await serveDashboard();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

async function openLoaded(theme = DARK_MODERN): Promise<DashboardPage> {
  const dashboard = await openDashboard(browser, site, { theme });
  await dashboard.send(full);
  await waitFor(
    async () => ((await dashboard.page.locator('.replica-card').count()) === 5 ? true : undefined),
    'five replica cards',
  );
  return dashboard;
}

const card = (d: DashboardPage, replica: string) => d.page.locator(`.replica-card[data-replica="${replica}"]`);
const field = (d: DashboardPage, replica: string, name: string) =>
  card(d, replica).locator(`[data-field="${name}"]`).textContent();

async function assertClean(d: DashboardPage): Promise<void> {
  assert.deepEqual(await d.cspViolations(), [], 'no CSP violations');
  assert.deepEqual(d.problems, [], 'no page errors');
}

test('light and high-contrast themes: theme colours on the charts and borders, recoloured live; no CSP trouble', {
  skip,
}, async () => {
  const legendColour = (d: DashboardPage) =>
    d.page
      .locator('.chart-legend .swatch')
      .first()
      .evaluate((e) => getComputedStyle(e).backgroundColor);
  const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

  const light = await openLoaded(LIGHT_MODERN);
  assert.equal(await light.page.locator('.chart canvas').count(), 4);
  assert.equal(await light.page.locator('.chart-legend li').count(), 5);
  assert.equal(await legendColour(light), rgb(LIGHT_MODERN.variables['--vscode-charts-blue']!));
  assert.equal(
    await light.page.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor),
    'rgb(255, 255, 255)',
  );
  await assertClean(light);
  await light.page.close();

  const contrast = await openLoaded(HIGH_CONTRAST);
  assert.equal(
    await card(contrast, 'gpu-a').evaluate((e) => getComputedStyle(e).borderTopColor),
    rgb(HIGH_CONTRAST.variables['--vscode-contrastBorder']!),
  );
  await assertClean(contrast);
  // VS Code switches theme by rewriting the variables and body's class: the page follows without a reload.
  await contrast.page.evaluate(() => {
    document.documentElement.style.setProperty('--vscode-charts-blue', '#ff00ff');
    document.body.className = 'vscode-dark';
  });
  await waitFor(
    async () => ((await legendColour(contrast)) === 'rgb(255, 0, 255)' ? true : undefined),
    'the legend recoloured',
  );
  assert.equal(await contrast.page.locator('.chart canvas').count(), 4, 'charts rebuilt, not duplicated');
  await contrast.page.close();
});

test('a reloaded page draws itself from the state it saved, before the host answers', { skip }, async () => {
  const d = await openLoaded();
  const saved = await waitFor(async () => {
    const state = (await d.savedState()) as { state?: StateSnapshot } | null;
    return state?.state?.now === snapshot.now ? state : undefined;
  }, 'the saved state');
  await d.page.close();

  const reopened = await openDashboard(browser, site, { theme: DARK_MODERN, savedState: saved });
  assert.equal(await reopened.page.locator('.replica-card').count(), 5);
  const gpuA = snapshot.pools[0]!.replicas[0]!;
  assert.equal(await field(reopened, 'gpu-a', 'inflight'), String(gpuA.inflight));
  assert.equal(await reopened.page.locator('table.streams tbody tr').count(), STREAMS);
  assert.deepEqual(await reopened.posted(), [{ type: 'ready' }]);
  await reopened.page.close();
});
