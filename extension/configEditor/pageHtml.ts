// The config editor page's HTML: the shared page shell (core/pageShell.ts) with the editor's root and title.
import { makeNonce, pageShellHtml } from '../../core/pageShell';

export const newNonce = makeNonce;

export interface PageResources {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce: string;
}

export function configEditorHtml(page: PageResources): string {
  return pageShellHtml({
    cspSource: page.cspSource,
    scriptUri: page.scriptUri,
    styleUris: [page.styleUri],
    nonce: page.nonce,
    title: 'vLLM Pools config',
    rootId: 'app',
  });
}
