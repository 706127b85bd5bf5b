// Loads one of the two pages (dashboard, config editor) into a webview, the same way for both: scripts on, local
// resources limited to the page bundles (dist/webview, written by build.mjs) and media/, and the HTML of the shared
// shell (core/pageShell.ts) with the page's script and style sheets as webview URIs and a fresh nonce.
import * as vscode from 'vscode';
import { BUNDLES } from '../core/bundles';
import type { PageShellOptions } from '../core/pageShell';

/** What a page's HTML needs from the webview; `nonce` is given by tests only. */
export type PageResources = Pick<PageShellOptions, 'cspSource' | 'scriptUri' | 'styleUris' | 'nonce'>;

export interface WebviewPage {
  /** Paths from the extension's root, e.g. 'dist/webview/dashboard.js'. */
  script: string;
  styles: readonly string[];
  html(resources: PageResources): string;
}

export function pageResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [
    vscode.Uri.joinPath(extensionUri, ...BUNDLES.pagesDir.split('/')),
    vscode.Uri.joinPath(extensionUri, 'media'),
  ];
}

export function loadPage(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): void {
  const uri = (path: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path.split('/'))).toString();
  webview.options = { enableScripts: true, localResourceRoots: pageResourceRoots(extensionUri) };
  webview.html = page.html({
    cspSource: webview.cspSource,
    scriptUri: uri(page.script),
    styleUris: page.styles.map(uri),
  });
}
