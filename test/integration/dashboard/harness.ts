// Runs the dashboard page as VS Code would, but in headless Chromium: the real HTML shell (CSP with a nonce), the
// bundled script and styles served from a loopback server, and a stubbed acquireVsCodeApi that records what the page
// posts and keeps what it saves.
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { DashboardFeed } from '../../../extension/dashboard/feed';
import { dashboardHtml } from '../../../extension/dashboard/html';
import type { FullMessage, HostToPageMessage, PageToHostMessage } from '../../../extension/dashboard/messages';
import type { RequestEvent, StateSnapshot } from '../../../sidecar/protocol';
import type { RecordedEvent } from './fixture';
import type { WebviewTheme } from './themes';

const ROOT = resolve(__dirname, '../../..');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface DashboardSite {
  origin: string;
  close(): Promise<void>;
}

/** Bundles the page like build.mjs does (into a temporary folder) and serves it with the HTML shell. */
export async function serveDashboard(): Promise<DashboardSite> {
  const outdir = await mkdtemp(join(tmpdir(), 'vllm-pools-dashboard-'));
  await esbuild.build({
    entryPoints: { dashboard: join(ROOT, 'extension/dashboard/page/main.ts') },
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'silent',
  });
  const files: Record<string, [string, string]> = {
    '/dashboard.js': [join(outdir, 'dashboard.js'), 'text/javascript'],
    '/dashboard.css': [join(outdir, 'dashboard.css'), 'text/css'],
    '/media/dashboard.css': [join(ROOT, 'media/dashboard.css'), 'text/css'],
  };
  let origin = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      const bodyClass = url.searchParams.get('theme') ?? 'vscode-dark';
      const html = dashboardHtml({
        cspSource: origin,
        scriptUri: `${origin}/dashboard.js`,
        styleUris: [`${origin}/dashboard.css`, `${origin}/media/dashboard.css`],
      }).replace('<body>', `<body class="${bodyClass}" data-vscode-theme-kind="${bodyClass}">`);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const file = files[url.pathname];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    readFile(file[0]).then(
      (body) => response.writeHead(200, { 'content-type': file[1] }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await rm(outdir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
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

/**
 * Runs in the page before its script: the VS Code webview API as a recording stub, and the theme's variables.
 * A string, not a function: the test's TypeScript transform would add helpers the page does not have.
 */
function vsCodeStubScript(variables: Record<string, string>, savedState: unknown): string {
  return `(() => {
  const box = { posted: [], state: ${JSON.stringify(savedState ?? null)}, acquired: 0, violations: [] };
  window.__vscode = box;
  window.acquireVsCodeApi = () => {
    if (box.acquired++ > 0) throw new Error('An instance of the VS Code API has already been acquired');
    return {
      postMessage: (message) => { box.posted.push(JSON.parse(JSON.stringify(message))); },
      getState: () => box.state,
      setState: (state) => { box.state = JSON.parse(JSON.stringify(state)); },
    };
  };
  document.addEventListener('securitypolicyviolation', (event) => {
    box.violations.push(event.violatedDirective + ' ' + event.blockedURI);
  });
  // VS Code sets the theme's variables on <html> through the CSSOM (an inline style attribute would break the CSP).
  const variables = ${JSON.stringify(variables)};
  const apply = () => {
    for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
  };
  if (document.documentElement) apply();
  else new MutationObserver((records, observer) => {
    if (!document.documentElement) return;
    observer.disconnect();
    apply();
  }).observe(document, { childList: true });
})();`;
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

/** Polls `check` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; attempt < 2000; attempt++) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) break;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
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
