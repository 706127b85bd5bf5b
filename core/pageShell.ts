// The one HTML shell of both webview pages (dashboard, config editor): a strict Content-Security-Policy with a
// per-load nonce (scripts only with it; styles, fonts and images only from the extension), the style sheets, one
// root element and the bundled page script. Pure: the host passes webview URIs as strings, the headless page tests
// their own server's URLs.
import { randomBytes } from 'node:crypto';

export interface PageShellOptions {
  /** `webview.cspSource`: the origin that serves the extension's local resources. */
  cspSource: string;
  /** URL of the bundled page script (dist/webview/<page>.js). */
  scriptUri: string;
  /** URLs of the style sheets, in order. */
  styleUris: readonly string[];
  title: string;
  /** The id of the <main> element the script builds into, and its accessible name. */
  rootId: string;
  rootLabel?: string;
  /** Fresh per load unless given (tests). */
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

export function pageShellHtml(options: PageShellOptions): string {
  const nonce = options.nonce ?? makeNonce();
  const styles = options.styleUris.map((uri) => `  <link rel="stylesheet" href="${escapeAttribute(uri)}">\n`).join('');
  const label = options.rootLabel ? ` aria-label="${escapeAttribute(options.rootLabel)}"` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(options.cspSource, nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}  <title>${escapeText(options.title)}</title>
</head>
<body>
  <main id="${escapeAttribute(options.rootId)}"${label}></main>
  <script nonce="${escapeAttribute(nonce)}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
