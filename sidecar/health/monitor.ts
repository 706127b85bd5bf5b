// Per-replica background loops: active health checks, the engine /metrics scrape and the /v1/models refresh.
// Each loop reschedules itself with an unref'd timer, so a sidecar that is closed or idle holds no process open.
import type { Logger } from '../log';
import type { PoolRuntime } from '../pool/pool';
import type { Replica } from '../pool/replica';
import { parseEngineMetrics } from './engineMetricsParser';
import { probe } from './probes';

const MODELS_REFRESH_MS = 30_000;
const MODELS_RETRY_MS = 2_000;
/** How often a switched-off loop looks whether it was switched on. */
const IDLE_MS = 1_000;

export interface MonitorSettings {
  engineMetrics: { enabled: boolean; interval: number };
}

export class ReplicaMonitor {
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly replica: Replica,
    private readonly pool: PoolRuntime,
    private settings: MonitorSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    // Loops keep ticking while switched off (slowly), so a reload can switch them on.
    this.loop(
      () => this.checkHealth(),
      () => (this.pool.config.healthCheck.enabled ? this.pool.config.healthCheck.interval : IDLE_MS),
    );
    this.loop(
      () => this.scrapeEngine(),
      () => (this.settings.engineMetrics.enabled ? this.settings.engineMetrics.interval : IDLE_MS),
    );
    this.loop(
      () => this.refreshModels(),
      // On the health-check cadence, so an adapter loaded or unloaded at run time is seen within an interval.
      () =>
        this.replica.modelsLearnedAt === null
          ? MODELS_RETRY_MS
          : Math.min(MODELS_REFRESH_MS, this.pool.config.healthCheck.interval),
    );
  }

  setSettings(settings: MonitorSettings): void {
    this.settings = settings;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** An out-of-turn health check, e.g. when a passive ejection ends. */
  async checkHealth(): Promise<void> {
    const check = this.pool.config.healthCheck;
    if (!check.enabled || this.stopped) return;
    const result = await probe(this.replica, check.path, check.timeout, false);
    if (this.stopped) return;
    const before = this.replica.health.state();
    this.replica.health.recordCheck(result.ok, result.error);
    const after = this.replica.health.state();
    if (before !== after) {
      const fields = { pool: this.pool.name, replica: this.replica.name, reason: this.replica.health.reason() };
      if (after === 'unhealthy') this.logger.warn(`replica ${this.replica.name} is unhealthy`, fields);
      else this.logger.info(`replica ${this.replica.name} is ${after}`, fields);
    }
  }

  async scrapeEngine(): Promise<void> {
    if (!this.settings.engineMetrics.enabled || this.stopped) return;
    const startedAt = performance.now();
    const result = await probe(
      this.replica,
      '/metrics',
      Math.min(5000, this.settings.engineMetrics.interval * 2),
      true,
    );
    // A failed or timed-out read counts with its duration too: it says how long an out-of-turn read would keep a
    // placement waiting.
    this.replica.engineTracker.recordReadTime(performance.now() - startedAt);
    if (!result.ok || result.body === undefined) return;
    const sample = parseEngineMetrics(result.body);
    if (sample) this.replica.engineTracker.record(sample);
  }

  private engineScrape: Promise<void> | undefined;

  /** An out-of-turn engine scrape (a balancer about to place a new prefix group); callers share one in flight. */
  scrapeEngineNow(): Promise<void> {
    if (!this.engineScrape) {
      this.engineScrape = this.scrapeEngine()
        .catch(() => {})
        .finally(() => {
          this.engineScrape = undefined;
        });
    }
    return this.engineScrape;
  }

  private modelsRefresh: Promise<boolean> | undefined;

  /** Reads /v1/models (one read at a time, callers share it); true when the replica answered with a model list. */
  refreshModels(): Promise<boolean> {
    if (!this.modelsRefresh) {
      this.modelsRefresh = this.readModels().finally(() => {
        this.modelsRefresh = undefined;
      });
    }
    return this.modelsRefresh;
  }

  private async readModels(): Promise<boolean> {
    if (this.stopped) return false;
    const timeout = Math.max(5000, this.pool.config.timeouts.connect, this.pool.config.healthCheck.timeout);
    const result = await probe(this.replica, '/v1/models', timeout, true);
    if (!result.ok || result.body === undefined) return false;
    try {
      const parsed = JSON.parse(result.body) as { data?: unknown };
      if (!Array.isArray(parsed.data)) return false;
      const cards = parsed.data.filter(
        (card): card is Record<string, unknown> =>
          typeof card === 'object' && card !== null && typeof (card as { id?: unknown }).id === 'string',
      );
      this.replica.modelCards = cards;
      this.replica.models = cards.map((card) => card['id'] as string);
      this.replica.modelsLearnedAt = this.replica.now();
      return true;
    } catch {
      return false;
    }
  }

  private loop(run: () => Promise<unknown>, interval: () => number): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        await run();
      } catch (error) {
        this.logger.debug('replica monitor task failed', { replica: this.replica.name, error: String(error) });
      }
      if (this.stopped) return;
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          void tick();
        },
        Math.max(50, interval()),
      );
      timer.unref();
      this.timers.add(timer);
    };
    void tick();
  }
}
