// The dashboard page: the shared page shell (core/pageShell.ts) with the dashboard's root, title and files.
import { BUNDLES, pageCss } from '../../core/bundles';
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
  script: BUNDLES.pages.dashboard.outfile,
  /** The bundle's CSS (uPlot's), then the page's own. */
  styles: [pageCss('dashboard'), 'media/dashboard.css'],
  html: dashboardHtml,
};
