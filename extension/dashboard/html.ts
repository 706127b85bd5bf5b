// The dashboard page's HTML shell: a strict Content-Security-Policy with a per-load nonce; the script builds the rest.
// Pure (no VS Code): the panel passes webview URIs as strings, the headless tests pass their own server's URLs.
import { randomBytes } from 'node:crypto';

export interface DashboardHtmlOptions {
  /** `webview.cspSource`: the origin that serves the extension's local resources. */
  cspSource: string;
  /** URL of the bundled page script (dist/webview/dashboard.js). */
  scriptUri: string;
  /** URLs of the style sheets, in order (the bundle's CSS, then media/dashboard.css). */
  styleUris: string[];
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function dashboardHtml(options: DashboardHtmlOptions): string {
  const nonce = options.nonce ?? makeNonce();
  const styles = options.styleUris.map((uri) => `  <link rel="stylesheet" href="${escapeAttribute(uri)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(options.cspSource, nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
  <title>vLLM Pools dashboard</title>
</head>
<body>
  <main id="dashboard" aria-label="vLLM Pools dashboard"></main>
  <script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
