// The config editor page: the shared page shell (core/pageShell.ts) with the editor's root, title and files.
import { BUNDLES } from '../../core/bundles';
import { pageShellHtml } from '../../core/pageShell';
import type { PageResources, WebviewPage } from '../webviewPage';

export function configEditorHtml(resources: PageResources): string {
  return pageShellHtml({ ...resources, title: 'vLLM Pools config', rootId: 'app' });
}

export const CONFIG_EDITOR_PAGE: WebviewPage = {
  script: BUNDLES.pages.configEditor.outfile,
  styles: ['media/configEditor.css'],
  html: configEditorHtml,
};
