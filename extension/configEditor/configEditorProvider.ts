// The form editor for vllm-pools.yaml, a CustomTextEditorProvider: the TextDocument stays the one source of truth.
// Form edits become WorkspaceEdits over the smallest changed range (so undo/redo, dirty state and save behave as in
// any editor); every change of the document, from the form or from a text editor, re-renders the form.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { parseReference, secretEnvName } from '../../core/config/references';
import { applyFormEdit, FormEditError } from '../../core/config/yamlEdit';
import { type FormEdit, type HostToPage, PAGE_TO_HOST } from '../../core/configEditor/messages';
import { messageGate } from '../../core/messageGate';
import type { StateSnapshot } from '../../core/protocol';
import { loadPage } from '../webviewPage';
import { CONFIG_EDITOR_VIEW_TYPE } from './configFiles';
import { testReplicaConnection } from './connectionTest';
import { readFormModel } from './formModel';
import { formTabsOf } from './formTabs';
import { liveReplicas, sidecarPort } from './liveReplicas';
import { CONFIG_EDITOR_PAGE } from './pageHtml';
import { minimalReplacement } from './textDiff';
import type { TypingDiagnostics } from './typingDiagnostics';

export interface ConfigEditorDeps {
  /** The sidecar's latest state snapshot, undefined while it does not run. */
  snapshot?: () => StateSnapshot | undefined;
  onDidChangeSnapshot?: vscode.Event<StateSnapshot | undefined>;
  /** The value of `${secret:NAME}` (the extension's SecretStorage), for "Test connection". */
  getSecret?: (name: string) => Thenable<string | undefined>;
  /** Stores the value of `${secret:NAME}`. */
  storeSecret?: (name: string, value: string) => Thenable<void>;
  /** The config file the sidecar runs on, whose saved state the extension's own diagnostics already cover. */
  sidecarConfigUri?: () => vscode.Uri | undefined;
  /** The running sidecar did not take a saved config (invalid, or its reload refused it). */
  onDidRefuseConfig?: vscode.Event<{ uri: vscode.Uri; message: string }>;
  /** Where messages the page sent that fit no message of PAGE_TO_HOST are reported (the extension's log). */
  log?: (line: string) => void;
}

export class ConfigEditorProvider implements vscode.CustomTextEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: ConfigEditorDeps,
    private readonly diagnostics: TypingDiagnostics,
  ) {}

  async resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): Promise<void> {
    const webview = panel.webview;
    loadPage(webview, this.extensionUri, CONFIG_EDITOR_PAGE);

    const post = (message: HostToPage): void => {
      void webview.postMessage(message);
    };
    const sendModel = (): void => {
      const issues = this.diagnostics.update(document);
      post({ type: 'model', model: readFormModel(document.getText(), issues), fileName: basename(document.uri.path) });
    };
    const sendLive = (): void => {
      const snapshot = this.deps.snapshot?.();
      const port = sidecarPort(snapshot);
      post({ type: 'live', replicas: liveReplicas(snapshot), ...(port === undefined ? {} : { port }) });
    };

    // Edits apply one after another, each to the text as the previous one left it.
    let edits = Promise.resolve();
    const receive = messageGate(
      PAGE_TO_HOST,
      (message) => {
        switch (message.type) {
          case 'ready':
            sendModel();
            sendLive();
            return;
          case 'edit':
            edits = edits.then(() => this.applyEdit(document, message.edit, post));
            return;
          case 'testConnection':
            void this.testConnection(document, message.pool, message.replica, post);
            return;
          case 'openAsText':
            void this.openAsText(document, panel);
            return;
          case 'reveal':
            void this.reveal(document, message.line, message.col);
            return;
          case 'storeSecret':
            void this.storeSecret(message.name);
            return;
        }
      },
      (line) => this.deps.log?.(`config editor: ${line}`),
    );
    const subscriptions: vscode.Disposable[] = [
      webview.onDidReceiveMessage(receive),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.toString() === document.uri.toString() && event.contentChanges.length > 0) sendModel();
      }),
    ];
    if (this.deps.onDidChangeSnapshot) subscriptions.push(this.deps.onDidChangeSnapshot(() => sendLive()));
    if (this.deps.onDidRefuseConfig) {
      subscriptions.push(
        this.deps.onDidRefuseConfig((refusal) => {
          if (refusal.uri.toString() === document.uri.toString())
            post({ type: 'configNotApplied', message: refusal.message });
        }),
      );
    }
    panel.onDidDispose(() => {
      for (const subscription of subscriptions) subscription.dispose();
    });
  }

  /** The text editor in the form's place: opened in the same group, then the form's tab there is closed. */
  private async openAsText(document: vscode.TextDocument, panel: vscode.WebviewPanel): Promise<void> {
    const column = panel.viewColumn;
    await vscode.commands.executeCommand('vscode.openWith', document.uri, 'default', column);
    const tabs = formTabsOf(vscode.window.tabGroups.all, document.uri.toString(), CONFIG_EDITOR_VIEW_TYPE, column);
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
  }

  private async applyEdit(document: vscode.TextDocument, edit: FormEdit, post: (m: HostToPage) => void): Promise<void> {
    const before = document.getText();
    let after: string;
    try {
      after = applyFormEdit(before, edit).text;
    } catch (error) {
      const message = error instanceof FormEditError ? error.message : `The edit failed: ${(error as Error).message}`;
      post({ type: 'editFailed', message });
      return;
    }
    const change = minimalReplacement(before, after);
    if (!change) return;
    const workspaceEdit = new vscode.WorkspaceEdit();
    workspaceEdit.replace(
      document.uri,
      new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)),
      change.text,
    );
    if (!(await vscode.workspace.applyEdit(workspaceEdit))) {
      post({ type: 'editFailed', message: 'VS Code refused the edit (is the file read-only?)' });
    }
  }

  private async testConnection(
    document: vscode.TextDocument,
    pool: number,
    replica: number,
    post: (m: HostToPage) => void,
  ): Promise<void> {
    const answer = (ok: boolean, message: string, models: string[] = []): void =>
      post({ type: 'testResult', pool, replica, ok, message, models });
    let entry: { url?: unknown; apiKey?: unknown } | undefined;
    try {
      entry = parse(document.getText())?.pools?.[pool]?.replicas?.[replica];
    } catch {
      entry = undefined;
    }
    if (!entry || typeof entry.url !== 'string') return answer(false, 'this replica has no URL yet');
    const key = vscode.workspace.isTrusted ? await this.resolveKey(entry.apiKey) : undefined;
    const result = await testReplicaConnection(entry.url, { apiKey: key });
    const note = !vscode.workspace.isTrusted && entry.apiKey ? ' (API key not sent: the workspace is not trusted)' : '';
    answer(result.ok, result.message + note, result.models);
  }

  /** The API key a replica entry names: a literal, ${env:NAME} from this process, ${secret:NAME} from storage. */
  private async resolveKey(value: unknown): Promise<string | undefined> {
    if (typeof value !== 'string' || value === '') return undefined;
    const reference = parseReference(value);
    if (reference === 'malformed') return undefined;
    if (reference === undefined) return value;
    if (reference.kind === 'env') return process.env[reference.name] || undefined;
    return (await this.deps.getSecret?.(reference.name)) ?? (process.env[secretEnvName(reference.name)] || undefined);
  }

  private async reveal(document: vscode.TextDocument, line: number, col: number): Promise<void> {
    const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, col - 1));
    await vscode.window.showTextDocument(document, {
      selection: new vscode.Range(position, position),
      viewColumn: vscode.ViewColumn.Beside,
      preview: false,
    });
  }

  private async storeSecret(name: string): Promise<void> {
    if (!this.deps.storeSecret) {
      void vscode.window.showWarningMessage('Secret storage is not available.');
      return;
    }
    const value = await vscode.window.showInputBox({
      title: `Value of \${secret:${name}}`,
      prompt: 'Kept in VS Code’s secret storage and given to the sidecar in its environment; never written to a file.',
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined || value === '') return;
    await this.deps.storeSecret(name, value);
    void vscode.window.showInformationMessage(`Stored \${secret:${name}}. Restart or reload the sidecar to use it.`);
  }
}
