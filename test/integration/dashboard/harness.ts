// Runs the dashboard page as VS Code would, but in headless Chromium: the real HTML shell (CSP with a nonce), the
// bundled script and styles served from a loopback server, and a stubbed acquireVsCodeApi that records what the page
// posts and keeps what it saves.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FullMessage, HostToPageMessage, PageToHostMessage } from '../../../core/dashboard/messages';
import type { RequestEvent, StateSnapshot } from '../../../core/protocol';
import { DashboardFeed } from '../../../extension/dashboard/feed';
import { dashboardHtml } from '../../../extension/dashboard/html';
import { type PageSite, ROOT, serveWebviewPage, vsCodeStubScript } from '../../support/webviewPage';
import type { RecordedEvent } from './fixture';
import type { WebviewTheme } from './themes';

export { CHROMIUM, launchChromium, waitFor } from '../../support/webviewPage';

export type DashboardSite = PageSite;

/** Bundles the page like build.mjs does (into a temporary folder) and serves it with the HTML shell. */
export function serveDashboard(): Promise<DashboardSite> {
  return serveWebviewPage({
    name: 'dashboard',
    entry: 'webview/dashboard/main.ts',
    files: (outdir) => ({
      '/dashboard.js': [join(outdir, 'dashboard.js'), 'text/javascript'],
      '/dashboard.css': [join(outdir, 'dashboard.css'), 'text/css'],
      '/media/dashboard.css': [join(ROOT, 'media/dashboard.css'), 'text/css'],
    }),
    html: (origin) =>
      dashboardHtml({
        cspSource: origin,
        scriptUri: `${origin}/dashboard.js`,
        styleUris: [`${origin}/dashboard.css`, `${origin}/media/dashboard.css`],
      }),
  });
}

export interface OpenOptions {
  theme: WebviewTheme;
  /** What getState returns (what VS Code kept from an earlier load). */
  savedState?: unknown;
  width?: number;
  height?: number;
}

export interface DashboardPage {
  page: Page;
  /** Problems the page reported: uncaught errors and console errors. */
  problems: string[];
  send(message: HostToPageMessage): Promise<void>;
  posted(): Promise<PageToHostMessage[]>;
  /** Forgets what the page posted so far. */
  clearPosted(): Promise<void>;
  cspViolations(): Promise<string[]>;
  savedState(): Promise<unknown>;
  renders(): Promise<number>;
}

export async function openDashboard(
  browser: Browser,
  site: DashboardSite,
  options: OpenOptions,
): Promise<DashboardPage> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript({ content: vsCodeStubScript(options.theme.variables, options.savedState) });
  await page.goto(`${site.origin}/?theme=${options.theme.bodyClass}`);
  await page
    .waitForSelector('#dashboard[data-renders]', { state: 'attached', timeout: 30_000 })
    .catch((error: Error) => {
      throw new Error(`${error.message}\n${problems.join('\n')}`);
    });
  type StubBox = { posted: PageToHostMessage[]; state: unknown; violations: string[] };
  const read = () => page.evaluate(() => (window as unknown as { __vscode: StubBox }).__vscode);
  return {
    page,
    problems,
    send: async (message) => {
      await page.evaluate((m) => window.postMessage(m, '*'), message);
    },
    posted: async () => (await read()).posted,
    clearPosted: async () => {
      await page.evaluate(() => {
        (window as unknown as { __vscode: StubBox }).__vscode.posted = [];
      });
    },
    cspViolations: async () => (await read()).violations,
    savedState: () => page.evaluate(() => (window as unknown as { __vscode: { state: unknown } }).__vscode.state),
    renders: async () => Number(await page.getAttribute('#dashboard', 'data-renders')),
  };
}

/** What the host would send after following a recording while the panel was hidden, then showing it. */
export function fullMessageAfter(events: readonly RecordedEvent[]): FullMessage {
  const sent: HostToPageMessage[] = [];
  const feed = new DashboardFeed({ post: (message) => sent.push(message) });
  for (const { event, data } of events) {
    if (event === 'state') feed.onState(data as StateSnapshot);
    else feed.onRequest(data as RequestEvent);
  }
  feed.onConnection({ state: 'connected', detail: null });
  feed.setVisible(true);
  const full = sent[sent.length - 1];
  if (full?.type !== 'full') throw new Error('the feed sent no full message');
  return full;
}
