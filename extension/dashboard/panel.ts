// The dashboard's WebviewPanel (host side): one panel at a time, fed from the live sidecar state through a
// DashboardFeed; the page's buttons run the same commands as the palette and the Pools view.
import * as vscode from 'vscode';
import {
  type ActionResultMessage,
  type DashboardAction,
  PAGE_TO_HOST,
  type PageToHostMessage,
} from '../../core/dashboard/messages';
import { messageGate } from '../../core/messageGate';
import type { AlgorithmId, RequestEvent, StateSnapshot } from '../../core/protocol';
import { loadPage, pageResourceRoots } from '../webviewPage';
import { DashboardFeed } from './feed';
import { DASHBOARD_PAGE } from './html';

export const DASHBOARD_VIEW_TYPE = 'vllmPools.dashboardPanel';
const STALE_CHECK_INTERVAL_MS = 1000;

/** Where the data comes from: the extension's LiveState (the /admin/events follower) has this shape. */
export interface DashboardLiveSource {
  readonly snapshot: StateSnapshot | undefined;
  /** undefined: the sidecar stopped or is not followed. */
  readonly onDidChangeSnapshot: vscode.Event<StateSnapshot | undefined>;
  readonly onDidFinishRequest: vscode.Event<RequestEvent>;
}

/** What the page's controls do. Rejections are shown next to the control. */
export interface DashboardActions {
  setAlgorithm(pool: string, algorithm: AlgorithmId): PromiseLike<unknown>;
  drain(pool: string, replica: string): PromiseLike<unknown>;
  enable(pool: string, replica: string): PromiseLike<unknown>;
}

/** The commands themselves (they apply through the admin API, write the config, and report errors). */
export const commandActions: DashboardActions = {
  setAlgorithm: (pool, algorithm) => vscode.commands.executeCommand('vllmPools.switchAlgorithm', { pool }, algorithm),
  drain: (pool, replica) => vscode.commands.executeCommand('vllmPools.drainReplica', { pool, replica }),
  enable: (pool, replica) => vscode.commands.executeCommand('vllmPools.enableReplica', { pool, replica }),
};

export interface DashboardOptions {
  actions?: DashboardActions;
  /** Where messages the page sent that fit no message of PAGE_TO_HOST are reported (the extension's log). */
  log?: (line: string) => void;
}

class DashboardController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private staleTimer: ReturnType<typeof setInterval> | undefined;
  private readonly feed: DashboardFeed;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly extensionUri: vscode.Uri,
    live: DashboardLiveSource,
    private readonly actions: DashboardActions,
    private readonly log: (line: string) => void,
  ) {
    this.feed = new DashboardFeed({ post: (message) => void this.panel?.webview.postMessage(message) });
    if (live.snapshot) this.feed.onState(live.snapshot);
    // History is kept from activation on, so a dashboard opened now already shows the last minutes.
    this.subscriptions = [
      live.onDidChangeSnapshot((snapshot) => {
        if (snapshot) this.feed.onState(snapshot);
        else this.feed.onConnection({ state: 'disconnected', detail: 'the sidecar is not running' });
      }),
      live.onDidFinishRequest((event) => this.feed.onRequest(event)),
    ];
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      'vLLM Pools Dashboard',
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: pageResourceRoots(this.extensionUri),
      },
    );
    this.attach(panel);
  }

  /** Takes over a panel VS Code restored after a reload. */
  attach(panel: vscode.WebviewPanel): void {
    this.detach();
    this.panel = panel;
    const receive = messageGate(
      PAGE_TO_HOST,
      (message) => this.handle(message),
      (line) => this.log(`dashboard: ${line}`),
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'pools.svg');
    loadPage(panel.webview, this.extensionUri, DASHBOARD_PAGE);
    this.panelSubscriptions = [
      panel.webview.onDidReceiveMessage(receive),
      // Without retainContextWhenHidden the page is rebuilt when shown again: it asks for a full message, and the
      // feed sends one too when the panel turns visible (messages to a hidden webview are lost).
      panel.onDidChangeViewState(() => this.feed.setVisible(panel.visible)),
      panel.onDidDispose(() => this.detach()),
    ];
    this.feed.setVisible(panel.visible);
    this.staleTimer = setInterval(() => this.feed.checkStale(), STALE_CHECK_INTERVAL_MS);
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.feed.dispose();
  }

  private detach(): void {
    for (const subscription of this.panelSubscriptions) subscription.dispose();
    this.panelSubscriptions = [];
    if (this.staleTimer) clearInterval(this.staleTimer);
    this.staleTimer = undefined;
    this.feed.setVisible(false);
    this.panel = undefined;
  }

  private handle(message: PageToHostMessage): void {
    switch (message.type) {
      case 'ready':
        this.feed.pageReady();
        return;
      case 'setAlgorithm':
        this.run('setAlgorithm', message.pool, null, () => this.actions.setAlgorithm(message.pool, message.algorithm));
        return;
      case 'drain':
        this.run('drain', message.pool, message.replica, () => this.actions.drain(message.pool, message.replica));
        return;
      case 'enable':
        this.run('enable', message.pool, message.replica, () => this.actions.enable(message.pool, message.replica));
        return;
    }
  }

  private run(action: DashboardAction, pool: string, replica: string | null, act: () => PromiseLike<unknown>): void {
    const reply = (ok: boolean, error: string | null) => {
      const result: ActionResultMessage = { type: 'actionResult', action, pool, replica, ok, message: error };
      void this.panel?.webview.postMessage(result);
    };
    Promise.resolve()
      .then(act)
      .then(
        () => reply(true, null),
        (error: unknown) => reply(false, error instanceof Error ? error.message : String(error)),
      );
  }
}

let controller: DashboardController | undefined;

/**
 * Sets up the dashboard: call once from activate(). `vllmPools.openDashboard` (commands.ts) calls showDashboard().
 * The returned disposable closes the panel and stops following the live state.
 */
export function registerDashboard(
  context: vscode.ExtensionContext,
  live: DashboardLiveSource,
  options: DashboardOptions = {},
): vscode.Disposable {
  controller?.dispose();
  const log = options.log ?? (() => {});
  const created = new DashboardController(context.extensionUri, live, options.actions ?? commandActions, log);
  controller = created;
  const serializer = vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel) => created.attach(panel),
  });
  return new vscode.Disposable(() => {
    serializer.dispose();
    created.dispose();
    if (controller === created) controller = undefined;
  });
}

/** Opens the dashboard, or brings it to the front. */
export function showDashboard(): void {
  if (!controller) throw new Error('the dashboard is not registered');
  controller.show();
}
