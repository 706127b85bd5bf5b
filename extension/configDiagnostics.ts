// Config problems as diagnostics on the file, at their line and column: from the loader run in the extension host
// (on open and on every save), and from what the sidecar itself reported (exit status 2, a refused reload).
import * as vscode from 'vscode';
import { parseConfig } from '../core/config/load';
import type { ConfigIssue } from '../core/config/types';

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('vllm-pools');

  /** Checks the file with the same loader the sidecar uses; shows and returns its issues. */
  async check(uri: vscode.Uri, env: NodeJS.ProcessEnv): Promise<ConfigIssue[]> {
    const text = await readText(uri);
    if (text === undefined) {
      this.collection.delete(uri);
      return [];
    }
    const { issues } = parseConfig(text, uri.fsPath, env);
    this.collection.set(
      uri,
      issues.map((issue) => toDiagnostic(issue, text)),
    );
    return issues;
  }

  /** Shows issues the sidecar reported (their `file` may name the config file or another one). */
  async show(issues: ConfigIssue[], fallback: vscode.Uri): Promise<void> {
    const byFile = new Map<string, ConfigIssue[]>();
    for (const issue of issues) {
      const file = issue.file || fallback.fsPath;
      byFile.set(file, [...(byFile.get(file) ?? []), issue]);
    }
    for (const [file, list] of byFile) {
      const uri = vscode.Uri.file(file);
      const text = (await readText(uri)) ?? '';
      this.collection.set(
        uri,
        list.map((issue) => toDiagnostic(issue, text)),
      );
    }
  }

  clear(): void {
    this.collection.clear();
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** A diagnostic spanning the word that starts at the issue's 1-based line and column. */
function toDiagnostic(issue: ConfigIssue, text: string): vscode.Diagnostic {
  const line = Math.max(0, issue.line - 1);
  const col = Math.max(0, issue.col - 1);
  const lineText = text.split(/\r?\n/)[line] ?? '';
  const rest = lineText.slice(col);
  const word = /^[^\s,:{}[\]#]+/.exec(rest)?.[0].length ?? 1;
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(line, col, line, col + Math.max(1, word)),
    issue.message,
    issue.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error,
  );
  diagnostic.source = 'vllm-pools';
  return diagnostic;
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
