// Shared by the headless-Chromium page tests of the webviews (dashboard, config editor): the page bundled like
// build.mjs does and served from loopback with its HTML shell, Debian's Chromium, and the theme setup VS Code does.
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

export { waitForValue as waitFor } from './waitFor';

export const ROOT = resolve(__dirname, '../..');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** The --vscode-* variables a webview gets under a VS Code theme, and the body class VS Code sets with them. */
export interface WebviewTheme {
  bodyClass: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast';
  variables: Record<string, string>;
}

/** The font variables VS Code sets on Linux, the same under every theme. */
export const WEBVIEW_FONTS: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", "DejaVu Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"DejaVu Sans Mono", "Droid Sans Mono", monospace',
};

export interface PageSite {
  origin: string;
  close(): Promise<void>;
}

export interface WebviewPageSource {
  /** The bundle's name: `<name>.js` (and `<name>.css` when the page imports CSS) in the output folder. */
  name: string;
  /** The page script, relative to the repository root. */
  entry: string;
  /** URL path -> [file, content type]; `outdir` is where the bundle went. */
  files(outdir: string): Record<string, [string, string]>;
  /** The page's HTML shell as the extension builds it, for a page served at `origin`. */
  html(origin: string): string;
}

/**
 * Bundles the page (into a temporary folder) and serves it: `/?theme=<body class>` is the HTML shell with that
 * theme's body class, other paths are the page's files.
 */
export async function serveWebviewPage(source: WebviewPageSource): Promise<PageSite> {
  const outdir = await mkdtemp(join(tmpdir(), `vllm-pools-${source.name}-`));
  await esbuild.build({
    entryPoints: { [source.name]: join(ROOT, source.entry) },
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'silent',
  });
  const files = source.files(outdir);
  let origin = '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      const theme = url.searchParams.get('theme') ?? 'vscode-dark';
      const html = source.html(origin).replace('<body>', `<body class="${theme}" data-vscode-theme-kind="${theme}">`);
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

/**
 * Page-side JavaScript (text, run before the page's script) that records CSP violations into `box.violations` and
 * sets the theme's variables on <html> through the CSSOM, as VS Code does (an inline style attribute would break
 * the CSP). `box` names an object the surrounding stub script has created.
 */
export function themeAndCspScript(box: string, variables: Record<string, string>): string {
  return `document.addEventListener('securitypolicyviolation', (event) => {
    ${box}.violations.push(event.violatedDirective + ' ' + event.blockedURI);
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
  }).observe(document, { childList: true });`;
}

/**
 * Runs in the page before its script, for both pages (they reach the host through the same webview/shared/messenger.ts):
 * VS Code's webview API as a recording stub in `window.__vscode` (`posted`, `state`, `violations`) that, like VS Code,
 * refuses a second acquireVsCodeApi(), and the theme's variables. A string, not a function: the test's TypeScript
 * transform would add helpers the page does not have.
 */
export function vsCodeStubScript(variables: Record<string, string>, savedState?: unknown): string {
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
  ${themeAndCspScript('box', variables)}
})();`;
}
