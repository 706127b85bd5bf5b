// The host side of the dashboard's data flow, without VS Code: keeps the chart history and the recent requests
// while the panel is hidden, coalesces sidecar events into at most one page message per interval, and produces the
// full message the page draws itself from when it (re)loads.

import { appendSamples, sampleOf } from '../../core/dashboard/history';
import type { ConnectionStatus, HistorySample, HostToPageMessage } from '../../core/dashboard/messages';
import type { RequestEvent, StateSnapshot } from '../../core/protocol';

export interface FeedTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: FeedTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface DashboardFeedOptions {
  /** Sends a message to the page. */
  post: (message: HostToPageMessage) => void;
  timers?: FeedTimers;
  /** At most one update message per this many milliseconds. */
  minIntervalMs?: number;
  /** How many finished requests the recent list keeps. */
  recentLimit?: number;
}

export const DEFAULT_UPDATE_INTERVAL_MS = 250;
/** The sidecar sends state at least once a second; this long without one means the link is down. */
export const STALE_AFTER_MS = 5000;
export const DEFAULT_RECENT_LIMIT = 30;

export class DashboardFeed {
  private readonly post: (message: HostToPageMessage) => void;
  private readonly timers: FeedTimers;
  private readonly minIntervalMs: number;
  private readonly recentLimit: number;

  private readonly history: HistorySample[] = [];
  /** Newest first. */
  private readonly recent: RequestEvent[] = [];
  private latest: StateSnapshot | null = null;
  private connection: ConnectionStatus = { state: 'connecting', detail: null };
  private lastStateAt = Number.NEGATIVE_INFINITY;

  private pendingState: StateSnapshot | null = null;
  private pendingSamples: HistorySample[] = [];
  private pendingRequests: RequestEvent[] = [];
  private timer: unknown = null;
  private lastPostAt = Number.NEGATIVE_INFINITY;
  private visible = false;

  constructor(options: DashboardFeedOptions) {
    this.post = options.post;
    this.timers = options.timers ?? systemTimers;
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_UPDATE_INTERVAL_MS;
    this.recentLimit = options.recentLimit ?? DEFAULT_RECENT_LIMIT;
  }

  onState(snapshot: StateSnapshot): void {
    const sample = sampleOf(snapshot);
    this.latest = snapshot;
    this.lastStateAt = this.timers.now();
    if (this.connection.state !== 'connected') this.onConnection({ state: 'connected', detail: null });
    appendSamples(this.history, [sample]);
    if (!this.visible) return;
    this.pendingState = snapshot;
    this.pendingSamples.push(sample);
    this.schedule();
  }

  onRequest(event: RequestEvent): void {
    this.recent.unshift(event);
    if (this.recent.length > this.recentLimit) this.recent.length = this.recentLimit;
    if (!this.visible) return;
    this.pendingRequests.push(event);
    if (this.pendingRequests.length > this.recentLimit) this.pendingRequests.shift();
    this.schedule();
  }

  onConnection(connection: ConnectionStatus): void {
    if (connection.state === this.connection.state && connection.detail === this.connection.detail) return;
    this.connection = connection;
    if (this.visible) this.post({ type: 'connection', connection });
  }

  /** Called every second or so: a connected link that has sent no state for a while is reported as lost. */
  checkStale(): void {
    if (this.connection.state !== 'connected') return;
    const silentMs = this.timers.now() - this.lastStateAt;
    if (silentMs > STALE_AFTER_MS) {
      this.onConnection({
        state: 'disconnected',
        detail: `no state from the sidecar for ${Math.round(silentMs / 1000)} s`,
      });
    }
  }

  /** The page can receive messages only while visible; becoming visible sends everything. */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (visible) this.sendFull();
    else this.clearPending();
  }

  /** The page (re)loaded and asks for everything: it is visible, since it runs. */
  pageReady(): void {
    this.visible = true;
    this.sendFull();
  }

  /** Sends the whole picture. */
  sendFull(): void {
    this.clearPending();
    this.lastPostAt = this.timers.now();
    this.post({
      type: 'full',
      state: this.latest,
      history: this.history.slice(),
      recent: this.recent.slice(),
      connection: this.connection,
    });
  }

  dispose(): void {
    this.clearPending();
    this.visible = false;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastPostAt + this.minIntervalMs - this.timers.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (!this.visible) return;
    if (this.pendingState === null && this.pendingRequests.length === 0) return;
    const message: HostToPageMessage = {
      type: 'update',
      state: this.pendingState,
      samples: this.pendingSamples,
      requests: this.pendingRequests,
    };
    this.pendingState = null;
    this.pendingSamples = [];
    this.pendingRequests = [];
    this.lastPostAt = this.timers.now();
    this.post(message);
  }

  private clearPending(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.pendingState = null;
    this.pendingSamples = [];
    this.pendingRequests = [];
  }
}
