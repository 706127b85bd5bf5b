import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ADD_CONTINUE_ACTION,
  ADD_COPILOT_ACTION,
  COPY_ACTION,
  connectActions,
} from '../../../extension/connectTool/connectActions';

test('Copilot: "Add to User Settings" only where Copilot Chat is installed and there are models', () => {
  assert.deepEqual(connectActions('copilot', { modelCount: 2, copilotChatInstalled: true }), [
    ADD_COPILOT_ACTION,
    COPY_ACTION,
  ]);
  assert.deepEqual(connectActions('copilot', { modelCount: 2, copilotChatInstalled: false }), [COPY_ACTION]);
  assert.deepEqual(connectActions('copilot', { modelCount: 0, copilotChatInstalled: true }), [COPY_ACTION]);
});

test('Continue: merge into its config when there are models; other tools: copy only', () => {
  assert.deepEqual(connectActions('continue', { modelCount: 1, copilotChatInstalled: false }), [
    ADD_CONTINUE_ACTION,
    COPY_ACTION,
  ]);
  assert.deepEqual(connectActions('cline', { modelCount: 1, copilotChatInstalled: true }), [COPY_ACTION]);
});
