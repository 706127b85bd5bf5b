// Entry point of the VS Code extension: creates the pieces and wires them; nothing else. Never blocks: the sidecar
// starts asynchronously after activate() has returned.
import * as vscode from 'vscode';
import type { StateSnapshot } from '../core/protocol';
import { chatProviderDeps, registerChatProvider } from './chatProvider';
import { registerCommands } from './commands';
import { configEditorDeps, registerConfigEditor } from './configEditor/register';
import { connectToolDeps, registerConnectTool } from './connectTool';
import { registerDashboard } from './dashboard/panel';
import { POOLS_VIEW_ID, PoolsTreeProvider } from './poolsTree';
import { SecretStore } from './secretStore';
import { SidecarManager } from './sidecarManager';
import { PoolsStatusBar } from './statusBar';

/** What other extensions (and the end-to-end tests) can read through `extensions.getExtension(...).exports`. */
export interface VllmPoolsApi {
  /** The local OpenAI-compatible endpoint, e.g. http://127.0.0.1:8800/v1. */
  endpoint(): string;
  /** The latest state snapshot of the running sidecar. */
  snapshot(): StateSnapshot | undefined;
  readonly onDidChangeSnapshot: vscode.Event<StateSnapshot | undefined>;
}

let manager: SidecarManager | undefined;

export function activate(context: vscode.ExtensionContext): VllmPoolsApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('vLLM Pools', { log: true });
  const secrets = new SecretStore(context.secrets);
  const sidecar = new SidecarManager(context.extensionPath, log, secrets);
  manager = sidecar;
  const tree = new PoolsTreeProvider();
  const view = vscode.window.createTreeView(POOLS_VIEW_ID, { treeDataProvider: tree });
  const statusBar = new PoolsStatusBar();

  const refresh = () => {
    const status = sidecar.process.status;
    void vscode.commands.executeCommand('setContext', 'vllmPools.sidecarStatus', status);
    void vscode.commands.executeCommand('setContext', 'vllmPools.sidecarRunning', status === 'running');
    view.message =
      status === 'running' || status === 'stopped' ? undefined : `Sidecar ${sidecar.process.detail ?? status}`;
    const visible = sidecar.configUri !== undefined || status !== 'stopped';
    statusBar.update(status, sidecar.live.snapshot, sidecar.process.detail, visible);
  };

  context.subscriptions.push(
    log,
    sidecar,
    tree,
    view,
    statusBar,
    ...registerCommands({ manager: sidecar, secrets, log }),
    // Dashboard webview (extension/dashboard/panel.ts); vllmPools.openDashboard shows it.
    registerDashboard(context, sidecar.live, { log: (line) => log.warn(line) }),
    // Config editor (extension/configEditor): the form for vllm-pools.yaml, and its validation as you type.
    registerConfigEditor(
      context,
      configEditorDeps(sidecar, secrets, (line) => log.warn(line)),
    ),
    // IDE AI tooling: the pools' models in VS Code's chat (vendor vllm-pools), and "Connect an AI Tool…".
    registerChatProvider(chatProviderDeps(sidecar, log)),
    registerConnectTool(connectToolDeps(sidecar)),
    sidecar.live.onDidChangeSnapshot((snapshot) => {
      tree.update(snapshot);
      refresh();
    }),
    sidecar.process.onDidChange(refresh),
    sidecar.onDidChangeConfigFile(refresh),
  );
  refresh();
  void sidecar.autoStart();
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);

  return {
    endpoint: () => sidecar.endpoint(),
    snapshot: () => sidecar.live.snapshot,
    onDidChangeSnapshot: sidecar.live.onDidChangeSnapshot,
  };
}

/** Stops the sidecar child and waits for it, so no orphan keeps the port. */
export async function deactivate(): Promise<void> {
  await manager?.shutdown();
  manager = undefined;
}
