// Registers the config editor: the custom editor, its two commands (form <-> text), and validation as you type.
import * as vscode from 'vscode';
import { secretEnvName } from '../../core/config/references';
import type { StateSnapshot } from '../../core/protocol';
import { type ConfigEditorDeps, ConfigEditorProvider } from './configEditorProvider';
import { CONFIG_EDITOR_VIEW_TYPE, isConfigFileName } from './configFiles';
import { TypingDiagnostics } from './typingDiagnostics';

export type { ConfigEditorDeps } from './configEditorProvider';

export function registerConfigEditor(context: vscode.ExtensionContext, deps: ConfigEditorDeps = {}): vscode.Disposable {
  const diagnostics = new TypingDiagnostics(deps.sidecarConfigUri);
  const provider = new ConfigEditorProvider(context.extensionUri, deps, diagnostics);
  return vscode.Disposable.from(
    diagnostics,
    vscode.window.registerCustomEditorProvider(CONFIG_EDITOR_VIEW_TYPE, provider, {
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.commands.registerCommand('vllmPools.openConfigEditor', (uri?: vscode.Uri) =>
      openWith(uri, CONFIG_EDITOR_VIEW_TYPE, deps),
    ),
    vscode.commands.registerCommand('vllmPools.openConfigAsText', (uri?: vscode.Uri) => openWith(uri, 'default', deps)),
  );
}

/** The pieces of the extension shell the editor uses (structural types, so the editor does not depend on them). */
export interface ConfigEditorShell {
  live: { snapshot: StateSnapshot | undefined; onDidChangeSnapshot: vscode.Event<StateSnapshot | undefined> };
  configUri: vscode.Uri | undefined;
  onDidRefuseConfig?: vscode.Event<{ uri: vscode.Uri; message: string }>;
}

export interface ConfigEditorSecrets {
  set(name: string, value: string): Promise<void>;
  envFor(configText: string): Promise<Record<string, string>>;
}

/** Deps from the extension's SidecarManager and SecretStore. */
export function configEditorDeps(
  sidecar: ConfigEditorShell,
  secrets: ConfigEditorSecrets,
  log?: (line: string) => void,
): ConfigEditorDeps {
  return {
    snapshot: () => sidecar.live.snapshot,
    onDidChangeSnapshot: sidecar.live.onDidChangeSnapshot,
    getSecret: async (name) => (await secrets.envFor(`\${secret:${name}}`))[secretEnvName(name)],
    storeSecret: (name, value) => secrets.set(name, value),
    sidecarConfigUri: () => sidecar.configUri,
    ...(sidecar.onDidRefuseConfig ? { onDidRefuseConfig: sidecar.onDidRefuseConfig } : {}),
    ...(log ? { log } : {}),
  };
}

/** Opens the given config (else the active one, else the sidecar's) with the form or the text editor. */
async function openWith(uri: vscode.Uri | undefined, viewType: string, deps: ConfigEditorDeps): Promise<void> {
  const target = uri instanceof vscode.Uri ? uri : (activeConfigUri() ?? deps.sidecarConfigUri?.());
  if (!target) {
    void vscode.window.showInformationMessage('No vllm-pools.yaml is open or configured.');
    return;
  }
  await vscode.commands.executeCommand('vscode.openWith', target, viewType);
}

function activeConfigUri(): vscode.Uri | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  const input = tab?.input;
  const uri =
    input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom
      ? input.uri
      : vscode.window.activeTextEditor?.document.uri;
  return uri && isConfigFileName(uri.path) ? uri : undefined;
}
