import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboardHtml, makeNonce } from '../../../extension/dashboard/html';

const options = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/dashboard.js',
  styleUris: ['https://file+.vscode-resource.vscode-cdn.net/ext/media/dashboard.css'],
};

test('scripts run only with the nonce; no inline styles, no eval, no network', () => {
  const html = dashboardHtml({ ...options, nonce: 'abc123' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|connect-src/);
  assert.match(html, /<script nonce="abc123" src="https:\/\/file\+\.vscode-resource[^"]+dashboard\.js"><\/script>/);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, /<link rel="stylesheet" href="[^"]+media\/dashboard\.css">/);
});

test('each load gets a fresh, unguessable nonce', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9_-]{24}$/);
  const html = dashboardHtml(options);
  const nonce = /'nonce-([^']+)'/.exec(html)?.[1];
  assert.ok(nonce);
  assert.ok(html.includes(`<script nonce="${nonce}"`));
});

test('URLs are escaped into attributes', () => {
  const html = dashboardHtml({ ...options, scriptUri: 'x"><script>alert(1)</script>' });
  assert.equal(html.match(/<script/g)?.length, 1);
});
