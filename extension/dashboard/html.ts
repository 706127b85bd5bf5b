// The dashboard page: the shared page shell (core/pageShell.ts) with the dashboard's root, title and files.
import { makeNonce, pageShellHtml } from '../../core/pageShell';
import type { PageResources, WebviewPage } from '../webviewPage';

export { makeNonce };

export function dashboardHtml(resources: PageResources): string {
  return pageShellHtml({
    ...resources,
    title: 'vLLM Pools dashboard',
    rootId: 'dashboard',
    rootLabel: 'vLLM Pools dashboard',
  });
}

export const DASHBOARD_PAGE: WebviewPage = {
  script: 'dist/webview/dashboard.js',
  /** The bundle's CSS (uPlot's), then the page's own. */
  styles: ['dist/webview/dashboard.css', 'media/dashboard.css'],
  html: dashboardHtml,
};
