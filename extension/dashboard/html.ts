// The dashboard page's HTML: the shared page shell (core/pageShell.ts) with the dashboard's root and title.
import { makeNonce, pageShellHtml } from '../../core/pageShell';

export { makeNonce };

export interface DashboardHtmlOptions {
  cspSource: string;
  /** URL of the bundled page script (dist/webview/dashboard.js). */
  scriptUri: string;
  /** URLs of the style sheets, in order (the bundle's CSS, then media/dashboard.css). */
  styleUris: string[];
  nonce?: string;
}

export function dashboardHtml(options: DashboardHtmlOptions): string {
  return pageShellHtml({
    ...options,
    title: 'vLLM Pools dashboard',
    rootId: 'dashboard',
    rootLabel: 'vLLM Pools dashboard',
  });
}
