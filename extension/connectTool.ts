// "vLLM Pools: Connect an AI Tool…": pick a tool, see the exact settings for the running endpoint and the pools'
// models, copy them, or let the extension merge them (Continue's config.yaml, Copilot's customOAIModels) while
// keeping every other setting. The text itself comes from ./connectTool/toolSettings.ts (pure, tested).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { StateSnapshot } from '../core/protocol';
import {
  ADD_CONTINUE_ACTION,
  ADD_COPILOT_ACTION,
  COPILOT_CHAT_EXTENSION,
  COPY_ACTION,
  connectActions,
} from './connectTool/connectActions';
import { type EndpointFactsSource, gatherEndpointFacts } from './connectTool/endpointFacts';
import {
  type EndpointFacts,
  mergeContinueConfig,
  mergeCopilotModels,
  TOOL_CHOICES,
  type ToolId,
  toolSettings,
} from './connectTool/toolSettings';

export const CONNECT_TOOL_COMMAND = 'vllmPools.connectTool';

export type ConnectToolDeps = EndpointFactsSource;

/** The command's view of the sidecar manager (extension/sidecarManager.ts). */
export function connectToolDeps(sidecar: {
  status: string;
  endpoint(): string;
  clientToken(): Promise<string | undefined>;
  live: { snapshot: StateSnapshot | undefined };
}): ConnectToolDeps {
  return {
    endpoint: () => sidecar.endpoint(),
    running: () => sidecar.status === 'running',
    snapshot: () => sidecar.live.snapshot,
    clientToken: () => sidecar.clientToken(),
  };
}

export function registerConnectTool(deps: ConnectToolDeps): vscode.Disposable {
  return vscode.commands.registerCommand(CONNECT_TOOL_COMMAND, (tool?: ToolId) => connectTool(deps, tool));
}

async function connectTool(deps: ConnectToolDeps, preselected?: ToolId): Promise<void> {
  let tool = TOOL_CHOICES.some((choice) => choice.id === preselected) ? preselected : undefined;
  if (!tool) {
    const picked = await vscode.window.showQuickPick(
      TOOL_CHOICES.map((choice) => ({ label: choice.label, description: choice.description, id: choice.id })),
      { title: 'vLLM Pools: Connect an AI Tool', placeHolder: `Settings for ${deps.endpoint()}` },
    );
    if (!picked) return;
    tool = picked.id;
  }
  if (!deps.running()) {
    void vscode.window.showWarningMessage(
      `vLLM Pools: the sidecar is not running; these settings are for ${deps.endpoint()}, where it will listen once started.`,
    );
  }
  const facts = await gatherEndpointFacts(deps);
  const settings = toolSettings(tool, facts);
  const document = await vscode.workspace.openTextDocument({ language: settings.language, content: settings.text });
  await vscode.window.showTextDocument(document, { preview: true });

  const actions = connectActions(tool, {
    modelCount: facts.models.length,
    copilotChatInstalled: vscode.extensions.getExtension(COPILOT_CHAT_EXTENSION) !== undefined,
  });
  const action = await vscode.window.showInformationMessage(
    `vLLM Pools: settings for ${TOOL_CHOICES.find((choice) => choice.id === tool)?.label} (${facts.models.length} model${facts.models.length === 1 ? '' : 's'}).`,
    ...actions,
  );
  if (action === COPY_ACTION) {
    await vscode.env.clipboard.writeText(settings.text);
  } else if (action === ADD_CONTINUE_ACTION) {
    await addToContinue(facts);
  } else if (action === ADD_COPILOT_ACTION) {
    await addToCopilot(facts);
  }
}

async function addToContinue(facts: EndpointFacts): Promise<void> {
  const path = join(homedir(), '.continue', 'config.yaml');
  let existing: string | undefined;
  try {
    existing = await readFile(path, 'utf8');
  } catch {
    existing = undefined;
  }
  try {
    const { text, added, updated } = mergeContinueConfig(existing, facts);
    if (text !== existing) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text, 'utf8');
    }
    await vscode.window.showTextDocument(vscode.Uri.file(path));
    void vscode.window.showInformationMessage(
      `vLLM Pools: ${path}: ${added.length} model${added.length === 1 ? '' : 's'} added, ${updated.length} updated; the rest is unchanged.`,
    );
  } catch (error) {
    void vscode.window.showErrorMessage(
      `vLLM Pools: ${path} was left as it is: ${error instanceof Error ? error.message : String(error)}. Copy the settings instead.`,
    );
  }
}

async function addToCopilot(facts: EndpointFacts): Promise<void> {
  const section = vscode.workspace.getConfiguration('github.copilot.chat');
  try {
    const merged = mergeCopilotModels(section.get('customOAIModels'), facts);
    await section.update('customOAIModels', merged, vscode.ConfigurationTarget.Global);
    void vscode.window.showInformationMessage(
      `vLLM Pools: ${facts.models.length} model(s) added to github.copilot.chat.customOAIModels in your user settings.`,
    );
  } catch (error) {
    void vscode.window.showErrorMessage(
      `vLLM Pools: could not update github.copilot.chat.customOAIModels (${error instanceof Error ? error.message : String(error)}); is GitHub Copilot Chat installed? Copy the settings instead.`,
    );
  }
}
