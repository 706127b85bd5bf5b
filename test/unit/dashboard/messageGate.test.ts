import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPageToHostMessage } from '../../../core/dashboard/messages';

test('the host accepts only well-formed page messages', () => {
  assert.ok(isPageToHostMessage({ type: 'ready' }));
  assert.ok(isPageToHostMessage({ type: 'setAlgorithm', pool: 'llama-8b', algorithm: 'queue-aware' }));
  assert.ok(isPageToHostMessage({ type: 'drain', pool: 'llama-8b', replica: 'gpu-a' }));
  assert.ok(isPageToHostMessage({ type: 'enable', pool: 'llama-8b', replica: 'gpu-a' }));
  assert.ok(!isPageToHostMessage({ type: 'setAlgorithm', pool: 'llama-8b', algorithm: 'fastest' }));
  assert.ok(!isPageToHostMessage({ type: 'setAlgorithm', algorithm: 'round-robin' }));
  assert.ok(!isPageToHostMessage({ type: 'drain', pool: 'llama-8b' }));
  assert.ok(!isPageToHostMessage({ type: 'reload' }));
  assert.ok(!isPageToHostMessage(null));
  assert.ok(!isPageToHostMessage('ready'));
});
