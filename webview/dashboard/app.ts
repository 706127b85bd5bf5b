// The dashboard page: applies host messages to the model and renders it, coalesced to a few frames a second.

import { HISTORY_WINDOW_MS } from '../../core/dashboard/history';
import { type HostToPageMessage, type PageToHostMessage, replicaKey } from '../../core/dashboard/messages';
import type { AlgorithmId, StateSnapshot } from '../../core/protocol';
import { h } from '../shared/h';
import type { Messenger } from '../shared/messenger';
import { type ChartSeries, ChartsPanel } from './charts';
import { reconcileChildren, setHidden, setText } from './dom';
import {
  applyHostMessage,
  expirePending,
  noteAlgorithmChoice,
  noteReplicaAction,
  type PageModel,
  PENDING_TIMEOUT_MS,
  persistedOf,
  type ReplicaAction,
  restoreModel,
} from './model';
import { PoolSection } from './poolSection';
import { createRecentRequestsTable } from './recentRequests';
import { RenderScheduler, type SchedulerTimers } from './renderScheduler';
import { createStreamsTable, MAX_STREAM_ROWS, streamsInDisplayOrder } from './streamsTable';
import { readChartTheme, watchTheme } from './theme';
import { TopBar } from './topBar';
import { createUsersTable, usersInDisplayOrder } from './usersTable';

/** The page's link to the extension host (shared/messenger.ts), typed by the dashboard's message maps. */
export type DashboardHost = Messenger<HostToPageMessage, PageToHostMessage>;

/** setState copies the whole model; once a second is plenty. */
const SAVE_INTERVAL_MS = 1000;

export class DashboardApp {
  private readonly model: PageModel;
  private readonly scheduler: RenderScheduler;
  private readonly topBar = new TopBar();
  private readonly poolsBox = h('div', { class: 'pools' });
  private readonly pools = new Map<string, PoolSection>();
  private readonly charts: ChartsPanel;
  private readonly streams = createStreamsTable();
  private readonly streamCount = h('span', { class: 'count' });
  private readonly streamsMore = h('p', { class: 'more' });
  private readonly recent = createRecentRequestsTable();
  private readonly users = createUsersTable();
  private readonly userCount = h('span', { class: 'count' });
  /** Shown only when the sidecar has gateway users configured. */
  private readonly usersPanel = panel(
    h('span', {}, 'Users ', this.userCount),
    'users-section',
    h('div', { class: 'table-scroll' }, this.users.element),
  );
  private theme = readChartTheme();
  private renders = 0;
  private lastSavedAt = Number.NEGATIVE_INFINITY;
  private saveScheduled = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: DashboardHost,
    private readonly timers: SchedulerTimers,
  ) {
    this.model = restoreModel(host.loadState());
    this.charts = new ChartsPanel(this.theme);
    this.scheduler = new RenderScheduler(() => this.render(), timers);
    root.append(
      this.topBar.element,
      this.poolsBox,
      this.usersPanel,
      panel(`Last ${HISTORY_WINDOW_MS / 60_000} minutes`, 'charts-section', this.charts.element),
      panel(
        h('span', {}, 'Active streams ', this.streamCount),
        'streams-section',
        h('div', { class: 'table-scroll' }, this.streams.element),
        this.streamsMore,
      ),
      panel('Recent requests', 'recent-section', h('div', { class: 'table-scroll' }, this.recent.element)),
    );
    watchTheme(() => {
      this.theme = readChartTheme();
      this.charts.setTheme(this.theme);
      this.scheduler.request();
    });
  }

  start(): void {
    this.host.listen((message) => this.receive(message));
    this.render();
    this.host.post({ type: 'ready' });
  }

  receive(message: HostToPageMessage): void {
    applyHostMessage(this.model, message, this.timers.now());
    this.scheduler.request();
  }

  private setAlgorithm(pool: string, algorithm: AlgorithmId): void {
    noteAlgorithmChoice(this.model, pool, algorithm, this.timers.now());
    this.host.post({ type: 'setAlgorithm', pool, algorithm });
    this.expireLater();
    this.scheduler.request();
  }

  /** A choice no snapshot confirms is dropped after PENDING_TIMEOUT_MS, snapshots or not. */
  private expireLater(): void {
    this.timers.setTimeout(() => {
      expirePending(this.model, this.timers.now());
      this.scheduler.request();
    }, PENDING_TIMEOUT_MS + 50);
  }

  private replicaAction(pool: string, replica: string, action: ReplicaAction): void {
    if (this.model.connection.state !== 'connected') return;
    noteReplicaAction(this.model, pool, replica, action, this.timers.now());
    this.host.post({ type: action, pool, replica });
    this.expireLater();
    this.scheduler.request();
  }

  private render(): void {
    const started = this.timers.now();
    const { state, connection } = this.model;
    this.topBar.update(state, connection);
    const colors = this.colorsFor(state);
    this.renderPools(state, (key) => colors.get(key)?.color ?? this.theme.series[0]!);
    this.charts.update(this.model.history, [...colors.values()]);

    const streams = state?.streams ?? [];
    setText(this.streamCount, `(${streams.length})`);
    this.streams.update(streamsInDisplayOrder(streams));
    const hiddenStreams = streams.length - MAX_STREAM_ROWS;
    setText(this.streamsMore, hiddenStreams > 0 ? `and ${hiddenStreams} more` : '');
    setHidden(this.streamsMore, hiddenStreams <= 0);
    this.recent.update(this.model.recent);
    const users = state?.users;
    setHidden(this.usersPanel, users === undefined);
    if (users) {
      const busy = users.filter((user) => user.inFlight > 0 || user.queued > 0).length;
      setText(this.userCount, `(${busy} active of ${users.length})`);
      this.users.update(usersInDisplayOrder(users));
    }

    this.root.dataset.renders = String(++this.renders);
    // How long the last render took (ms), for a look in DevTools or a measuring script.
    this.root.dataset.renderMs = (this.timers.now() - started).toFixed(2);
    this.save();
  }

  private renderPools(state: StateSnapshot | null, colorOf: (key: string) => string): void {
    const sections = (state?.pools ?? []).map((pool) => {
      let section = this.pools.get(pool.name);
      if (!section) {
        section = new PoolSection(pool.name, {
          setAlgorithm: (p, algorithm) => this.setAlgorithm(p, algorithm),
          replicaAction: (p, r, action) => this.replicaAction(p, r, action),
        });
        this.pools.set(pool.name, section);
      }
      section.update(pool, this.model, colorOf);
      return { name: pool.name, section };
    });
    const keep = new Set(sections.map((s) => s.name));
    for (const name of this.pools.keys()) if (!keep.has(name)) this.pools.delete(name);
    reconcileChildren(
      this.poolsBox,
      sections.map((s) => s.section.element),
    );
  }

  /** One colour per replica, in snapshot order, shared by its card and its chart lines. */
  private colorsFor(state: StateSnapshot | null): Map<string, ChartSeries> {
    const series = new Map<string, ChartSeries>();
    const pools = state?.pools ?? [];
    const palette = this.theme.series;
    for (const pool of pools) {
      for (const replica of pool.replicas) {
        const key = replicaKey(pool.name, replica.name);
        series.set(key, {
          key,
          label: pools.length > 1 ? `${pool.name} / ${replica.name}` : replica.name,
          color: palette[series.size % palette.length]!,
        });
      }
    }
    return series;
  }

  /** Saves at most once per interval, and always the latest model (a throttled save is done later). */
  private save(): void {
    if (this.saveScheduled) return;
    const wait = this.lastSavedAt + SAVE_INTERVAL_MS - this.timers.now();
    const saveNow = () => {
      this.saveScheduled = false;
      this.lastSavedAt = this.timers.now();
      this.host.saveState(persistedOf(this.model));
    };
    if (wait <= 0) {
      saveNow();
    } else {
      this.saveScheduled = true;
      this.timers.setTimeout(saveNow, wait);
    }
  }
}

function panel(title: string | Node, className: string, ...content: Node[]): HTMLElement {
  return h('section', { class: `panel ${className}` }, h('h2', {}, title), ...content);
}
