// The status bar item: `vLLM 3/3 · least-connections`, a warning background when a replica is down; opens the dashboard.
import * as vscode from 'vscode';
import type { StateSnapshot } from '../core/protocol';
import { type SidecarStatus, statusBarView } from './statusBarModel';

export class PoolsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('vllmPools.status', vscode.StatusBarAlignment.Left, 50);
  private shown = '';

  constructor() {
    this.item.name = 'vLLM Pools';
    this.item.command = 'vllmPools.openDashboard';
  }

  update(
    status: SidecarStatus,
    snapshot: StateSnapshot | undefined,
    detail: string | undefined,
    visible: boolean,
  ): void {
    const view = statusBarView(status, snapshot, detail);
    const key = JSON.stringify([view, visible]);
    if (key === this.shown) return;
    this.shown = key;
    this.item.text = view.text;
    this.item.tooltip = new vscode.MarkdownString(view.tooltip);
    this.item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (visible) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
