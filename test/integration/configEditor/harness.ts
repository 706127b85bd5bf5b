// Runs the config editor page as VS Code would, in headless Debian Chromium: the real HTML (CSP with a nonce), the
// page bundled like build.mjs does, served from loopback, and a stubbed acquireVsCodeApi that records what it posts.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { HostToPage, PageToHost } from '../../../core/configEditor/messages';
import { configEditorHtml } from '../../../extension/configEditor/pageHtml';
import { type PageSite, ROOT, serveWebviewPage, vsCodeStubScript, waitFor } from '../../support/webviewPage';
import type { WebviewTheme } from './themes';

export { CHROMIUM, launchChromium, waitFor } from '../../support/webviewPage';

export type Site = PageSite;

export function servePage(): Promise<Site> {
  return serveWebviewPage({
    name: 'configEditor',
    entry: 'webview/configEditor/main.ts',
    files: (outdir) => ({
      '/configEditor.js': [join(outdir, 'configEditor.js'), 'text/javascript'],
      '/configEditor.css': [join(ROOT, 'media/configEditor.css'), 'text/css'],
    }),
    html: (origin) =>
      configEditorHtml({
        cspSource: origin,
        scriptUri: `${origin}/configEditor.js`,
        styleUris: [`${origin}/configEditor.css`],
      }),
  });
}

export interface EditorPage {
  page: Page;
  /** Uncaught errors, console errors and CSP violations seen so far. */
  problems: string[];
  send(message: HostToPage): Promise<void>;
  posted(): Promise<PageToHost[]>;
}

export async function openEditor(browser: Browser, site: Site, theme: WebviewTheme, width = 1200): Promise<EditorPage> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript({ content: vsCodeStubScript(theme.variables) });
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
