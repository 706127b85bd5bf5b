// Runs the config editor page as VS Code would, in headless Debian Chromium: the real HTML (CSP with a nonce), the
// page bundled like build.mjs does, served from loopback, and a stubbed acquireVsCodeApi that records what it posts.
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { HostToPage, PageToHost } from '../../../extension/configEditor/messages';
import { configEditorHtml, newNonce } from '../../../extension/configEditor/pageHtml';
import type { WebviewTheme } from './themes';

const ROOT = resolve(import.meta.dirname, '../../..');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface Site {
  origin: string;
  close(): Promise<void>;
}

export async function servePage(): Promise<Site> {
  const outdir = await mkdtemp(join(tmpdir(), 'vllm-pools-config-editor-'));
  await esbuild.build({
    entryPoints: { configEditor: join(ROOT, 'extension/configEditor/page/main.ts') },
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'silent',
  });
  const files: Record<string, [string, string]> = {
    '/configEditor.js': [join(outdir, 'configEditor.js'), 'text/javascript'],
    '/configEditor.css': [join(ROOT, 'media/configEditor.css'), 'text/css'],
  };
  let origin = '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/') {
      const theme = url.searchParams.get('theme') ?? 'vscode-dark';
      const html = configEditorHtml({
        cspSource: origin,
        nonce: newNonce(),
        scriptUri: `${origin}/configEditor.js`,
        styleUri: `${origin}/configEditor.css`,
      }).replace('<body>', `<body class="${theme}" data-vscode-theme-kind="${theme}">`);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const file = files[url.pathname];
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
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

export interface EditorPage {
  page: Page;
  /** Uncaught errors, console errors and CSP violations seen so far. */
  problems: string[];
  send(message: HostToPage): Promise<void>;
  posted(): Promise<PageToHost[]>;
}

/**
 * Runs in the page before its script: a recording VS Code API and the theme's variables on <html>. Plain JavaScript
 * text, so that no helper of the TypeScript loader leaks into the page.
 */
function stubScript(variables: Record<string, string>): string {
  return `(() => {
  const box = { posted: [], violations: [] };
  window.__vscode = box;
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => box.posted.push(JSON.parse(JSON.stringify(message))),
    getState: () => undefined,
    setState: () => undefined,
  });
  document.addEventListener('securitypolicyviolation', (event) => {
    box.violations.push(event.violatedDirective + ' ' + event.blockedURI);
  });
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

export async function openEditor(browser: Browser, site: Site, theme: WebviewTheme, width = 1200): Promise<EditorPage> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript({ content: stubScript(theme.variables) });
  await page.goto(`${site.origin}/?theme=${theme.bodyClass}`);
  type Box = { posted: PageToHost[]; violations: string[] };
  const read = async (): Promise<Box> =>
    JSON.parse(await page.evaluate(() => JSON.stringify((window as unknown as { __vscode: unknown }).__vscode)));
  await waitFor(
    async () => ((await read()).posted.some((m) => m.type === 'ready') ? true : undefined),
    `the page's ready message (${problems.join('; ')})`,
  );
  return {
    page,
    problems,
    send: async (message) => {
      await page.evaluate((json: string) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message));
    },
    posted: async () => {
      const box = await read();
      problems.push(...box.violations.map((v) => `CSP: ${v}`).filter((v) => !problems.includes(v)));
      return box.posted;
    },
  };
}

/** Polls `check` until it returns something other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; attempt < 500; attempt++) {
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
