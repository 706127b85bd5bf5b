// Entry point of the VS Code extension: creates the pieces and registers them; nothing else.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
