// Which buttons "Connect an AI Tool" offers under the snippet. No vscode import (tested in plain Node).
import type { ToolId } from './toolSettings';

export const COPY_ACTION = 'Copy to Clipboard';
export const ADD_CONTINUE_ACTION = 'Add to ~/.continue/config.yaml';
export const ADD_COPILOT_ACTION = 'Add to User Settings';
/** The extension that owns github.copilot.chat.customOAIModels. */
export const COPILOT_CHAT_EXTENSION = 'GitHub.copilot-chat';

export interface ConnectContext {
  modelCount: number;
  /** vscode.extensions.getExtension(COPILOT_CHAT_EXTENSION) !== undefined */
  copilotChatInstalled: boolean;
}

/** Copy always; a merge into the tool's settings only when there are models and the tool is there to read them. */
export function connectActions(tool: ToolId, context: ConnectContext): string[] {
  const actions = [COPY_ACTION];
  if (context.modelCount === 0) return actions;
  if (tool === 'continue') actions.unshift(ADD_CONTINUE_ACTION);
  // Without Copilot Chat the setting is unknown to VS Code: writing it would fail or do nothing.
  if (tool === 'copilot' && context.copilotChatInstalled) actions.unshift(ADD_COPILOT_ACTION);
  return actions;
}
