import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ConfigIssue } from '../../../core/config/types';
import { ALL_EXPORT_FORMATS } from '../../../core/export/exportConfig';
import {
  exportConfigAsShown,
  exportErrorMessage,
  exportFormatItems,
  exportLanguageId,
} from '../../../extension/exportFormats';

test('one quick pick item per export format, each with a one-line description', () => {
  const items = exportFormatItems();
  assert.deepEqual(
    items.map((item) => item.format),
    [...ALL_EXPORT_FORMATS],
  );
  assert.ok(
    items.some((item) => item.format === 'inference-gateway'),
    'the Kubernetes export is offered',
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
  assert.equal(exportLanguageId('inference-gateway', bare), 'yaml');
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

test('export uses the open document text (unsaved edits included) over the saved file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vllm-pools-export-'));
  try {
    const file = join(dir, 'vllm-pools.yaml');
    const saved = 'pools:\n  - name: saved-pool\n    replicas:\n      - url: http://10.0.0.1:8000\n';
    writeFileSync(file, saved);
    const open = 'pools:\n  - name: edited-pool\n    replicas:\n      - url: http://10.0.0.2:8000\n';
    const fromDocument = exportConfigAsShown(file, 'nginx', open);
    assert.ok(fromDocument.text?.includes('10.0.0.2:8000'), fromDocument.text);
    assert.ok(!fromDocument.text?.includes('10.0.0.1:8000'), 'the saved file is not what is exported');
    const fromFile = exportConfigAsShown(file, 'nginx', undefined);
    assert.ok(fromFile.text?.includes('10.0.0.1:8000'), fromFile.text);
    // Errors in the unsaved text are reported at the file's name, line and column (as the editor shows them).
    const broken = exportConfigAsShown(file, 'haproxy', 'pools:\n  - name: p\n    replicas:\n      - url: 42\n');
    assert.equal(broken.text, undefined);
    assert.ok(
      broken.issues.some((issue) => issue.file === file && issue.line === 4),
      JSON.stringify(broken.issues),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
