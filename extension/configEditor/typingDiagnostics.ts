// Validation as you type, as diagnostics in the text: every open vllm-pools.yaml is checked on each change with the
// sidecar's own parser. The extension's ConfigDiagnostics already reports the saved file with the sidecar's real
// environment; an issue it shows at the same place is not repeated here, and once a file is saved and is the
// sidecar's config, its diagnostics are left to ConfigDiagnostics alone.
import * as vscode from 'vscode';
import type { ConfigIssue } from '../../core/config/types';
import { isConfigFileName } from './configFiles';
import { validateConfigText } from './validate';

const SOURCE = 'vllm-pools';

export class TypingDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('vllm-pools-editing');
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly sidecarConfigUri: () => vscode.Uri | undefined = () => undefined) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((document) => this.update(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.update(event.document)),
      vscode.workspace.onDidSaveTextDocument((document) => this.update(document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)),
    ];
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  /** Checks a document now; returns its issues (also used by the form). */
  update(document: vscode.TextDocument, issues?: ConfigIssue[]): ConfigIssue[] {
    if (document.uri.scheme === 'output' || !isConfigFileName(document.uri.path)) return [];
    const found = issues ?? validateConfigText(document.getText(), document.uri.fsPath);
    const ownedElsewhere = !document.isDirty && this.sidecarConfigUri()?.toString() === document.uri.toString();
    if (ownedElsewhere) {
      this.collection.delete(document.uri);
      return found;
    }
    // What other collections show for this file: all diagnostics, less (by count) the ones this collection holds.
    const others = new Map<string, number>();
    for (const d of vscode.languages.getDiagnostics(document.uri)) others.set(key(d), (others.get(key(d)) ?? 0) + 1);
    for (const d of this.collection.get(document.uri) ?? []) others.set(key(d), (others.get(key(d)) ?? 0) - 1);
    const diagnostics = found
      .map((issue) => toDiagnostic(issue, document))
      .filter((d) => (others.get(key(d)) ?? 0) <= 0);
    this.collection.set(document.uri, diagnostics);
    return found;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.collection.dispose();
  }
}

function key(diagnostic: vscode.Diagnostic): string {
  return `${diagnostic.range.start.line}:${diagnostic.range.start.character}:${diagnostic.message}`;
}

/** A diagnostic over the word at the issue's 1-based line and column. */
export function toDiagnostic(issue: ConfigIssue, document: vscode.TextDocument): vscode.Diagnostic {
  const line = Math.min(Math.max(0, issue.line - 1), Math.max(0, document.lineCount - 1));
  const text = document.lineAt(line).text;
  const col = Math.min(Math.max(0, issue.col - 1), text.length);
  const word = /^[^\s,:{}[\]#]+/.exec(text.slice(col))?.[0].length ?? 1;
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(line, col, line, col + Math.max(1, word)),
    issue.message,
    issue.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error,
  );
  diagnostic.source = SOURCE;
  return diagnostic;
}
