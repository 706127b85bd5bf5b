import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportErrorMessage, exportFormatItems, exportLanguageId } from '../../../extension/exportFormats';
import type { ConfigIssue } from '../../../sidecar/config/types';
import { EXPORT_FORMATS } from '../../../sidecar/export/exportConfig';

test('one quick pick item per export format, each with a one-line description', () => {
  const items = exportFormatItems();
  assert.deepEqual(
    items.map((item) => item.format),
    [...EXPORT_FORMATS],
  );
  for (const item of items) {
    assert.equal(item.label, item.format);
    assert.ok(item.description.length > 0 && !item.description.includes('\n'), item.format);
  }
});

test('language ids: preferred when the editor knows it, else plaintext', () => {
  const all = ['nginx', 'caddyfile', 'yaml', 'plaintext'];
  assert.equal(exportLanguageId('nginx', all), 'nginx');
  assert.equal(exportLanguageId('caddy', all), 'caddyfile');
  assert.equal(exportLanguageId('envoy', all), 'yaml');
  assert.equal(exportLanguageId('haproxy', all), 'plaintext');
  const bare = ['yaml', 'plaintext'];
  assert.equal(exportLanguageId('nginx', bare), 'plaintext');
  assert.equal(exportLanguageId('caddy', bare), 'plaintext');
  assert.equal(exportLanguageId('envoy', bare), 'yaml');
});

test('the error message lists each error as file:line:col', () => {
  const issues: ConfigIssue[] = [
    { file: '/w/vllm-pools.yaml', line: 4, col: 14, message: 'retries must be an integer', severity: 'error' },
    { file: '/w/vllm-pools.yaml', line: 7, col: 17, message: 'literal API key', severity: 'warning' },
    { file: '/w/vllm-pools.yaml', line: 9, col: 3, message: 'unknown key "foo"', severity: 'error' },
  ];
  const message = exportErrorMessage(issues);
  assert.match(message, /^cannot export: the config is invalid\n/);
  assert.ok(message.includes('/w/vllm-pools.yaml:4:14: retries must be an integer'));
  assert.ok(message.includes('/w/vllm-pools.yaml:9:3: unknown key "foo"'));
  assert.ok(!message.includes('literal API key'), 'warnings are not errors');
  assert.match(exportErrorMessage([]), /could not be loaded/);
});
