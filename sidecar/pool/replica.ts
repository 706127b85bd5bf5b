// A replica at run time: its keep-alive connection pool, in-flight count, health, engine load, learned models and
// statistics. The balancer sees it through the ReplicaView interface.
import { Pool } from 'undici';
import type { PoolConfig, ReplicaConfig } from '../../core/config/types';
import type { EngineLoad, ReplicaView } from '../balancer/types';
import { EngineTracker } from '../health/engineState';
import { type HealthPolicy, ReplicaHealth } from '../health/replicaHealth';
import { ExactCache } from '../kvEvents/exactCache';
import type { KvEventLog } from '../kvEvents/kvEventSubscriber';
import { UpstreamSockets } from '../proxy/upstreamSockets';
import { ReplicaStats } from '../stats/replicaStats';
import type { Clock } from './clock';

export function healthPolicyOf(pool: PoolConfig): HealthPolicy {
  return {
    activeChecks: pool.healthCheck.enabled,
    rise: pool.healthCheck.rise,
    fall: pool.healthCheck.fall,
    maxFails: pool.maxFails,
    failTimeout: pool.failTimeout,
  };
}

export class Replica implements ReplicaView {
  readonly name: string;
  readonly url: string;
  weight: number;
  apiKey: string | undefined;
  inflight = 0;
  dispatcher: Pool;
  /** The lean transport's keep-alive connections (http: replicas only; null for https:). */
  sockets: UpstreamSockets | null;
  readonly health: ReplicaHealth;
  readonly stats: ReplicaStats;
  readonly engineTracker: EngineTracker;
  /** Model ids from the replica's /v1/models, and the cards themselves for the aggregated list. */
  models: string[] = [];
  modelCards: Record<string, unknown>[] = [];
  modelsLearnedAt: number | null = null;
  /** The base path of the replica URL ("" or "/prefix"), prepended to every upstream path. */
  readonly basePath: string;
  /** Set when a reload removed the replica: it drains, then closes. */
  removed = false;
  private connectTimeout: number;
  private configuredCacheTokens: number | undefined;
  /** Followed KV events (config kvEvents), started by the fleet with its logger. */
  exactCache: ExactCache | undefined;
  /** An out-of-turn engine scrape, set by the fleet's monitor (ReplicaView.refreshEngine). */
  refreshEngine: (() => Promise<void>) | undefined;
  private kvEventLog: KvEventLog | undefined;
  private kvEventsConfig: ReplicaConfig['kvEvents'];

  constructor(
    config: ReplicaConfig,
    pool: PoolConfig,
    engineIntervalMs: number,
    private readonly clock: Clock,
  ) {
    this.name = config.name;
    this.url = config.url.replace(/\/+$/, '');
    const path = new URL(this.url).pathname;
    this.basePath = path === '/' ? '' : path.replace(/\/+$/, '');
    this.weight = config.weight;
    this.apiKey = config.apiKey;
    this.configuredCacheTokens = config.cacheTokens;
    this.connectTimeout = pool.timeouts.connect;
    this.dispatcher = this.createDispatcher();
    this.sockets = this.createSockets();
    this.health = new ReplicaHealth(healthPolicyOf(pool), clock);
    this.stats = new ReplicaStats(clock);
    this.engineTracker = new EngineTracker(clock, engineIntervalMs);
    this.kvEventsConfig = config.kvEvents;
  }

  /** Starts following the replica's KV events, if configured. */
  startKvEvents(log: KvEventLog): void {
    this.kvEventLog = log;
    this.exactCache?.stop();
    this.exactCache = undefined;
    if (!this.kvEventsConfig) return;
    this.exactCache = new ExactCache(this.kvEventsConfig, this.url, this.name, log);
    this.exactCache.start();
  }

  get ttftEwmaMs(): number | undefined {
    return this.stats.ttftEwmaMs;
  }

  /** KV-cache capacity in tokens: published by the engine, else configured (prefix-aware sizes its model by it). */
  get cacheTokens(): number | undefined {
    return this.engineTracker.cacheTokens() ?? this.configuredCacheTokens;
  }

  /** How long recent /metrics reads took (ms); ReplicaView.engineReadMs. */
  get engineReadMs(): number | undefined {
    return this.engineTracker.readTime();
  }

  get engine(): EngineLoad | undefined {
    const state = this.engineTracker.state();
    if (!state) return undefined;
    const counters = this.engineTracker.prefixCounters();
    const lora = this.engineTracker.lora();
    return {
      running: state.running,
      waiting: state.waiting,
      kvCacheUsage: state.kvCacheUsage,
      scrapedAt: state.scrapedAt,
      ...(counters ? { prefixQueries: counters.queries, prefixHits: counters.hits } : {}),
      ...(lora ? { lora } : {}),
    };
  }

  /** True when the replica's /v1/models lists `model` as a LoRA adapter (a card whose `parent` is a base model). */
  servesAdapter(model: string): boolean {
    const card = this.modelCards.find((candidate) => candidate['id'] === model);
    const parent = card?.['parent'];
    return typeof parent === 'string' && parent !== '' && parent !== model;
  }

  /** Applies a reloaded config for the same replica name. */
  update(config: ReplicaConfig, pool: PoolConfig, engineIntervalMs: number): void {
    this.weight = config.weight;
    this.apiKey = config.apiKey;
    this.configuredCacheTokens = config.cacheTokens;
    const kvChanged = JSON.stringify(config.kvEvents) !== JSON.stringify(this.kvEventsConfig);
    this.kvEventsConfig = config.kvEvents;
    if (kvChanged && this.kvEventLog) this.startKvEvents(this.kvEventLog);
    this.health.setPolicy(healthPolicyOf(pool));
    this.engineTracker.setInterval(engineIntervalMs);
    if (pool.timeouts.connect !== this.connectTimeout) {
      const old = this.dispatcher;
      const oldSockets = this.sockets;
      this.connectTimeout = pool.timeouts.connect;
      this.dispatcher = this.createDispatcher();
      this.sockets = this.createSockets();
      // In-flight requests keep their connections; the old pool closes once they finish.
      old.close().catch(() => undefined);
      oldSockets?.close();
    }
  }

  /** Counts one request in flight; the returned function releases it, once, however often it is called. */
  acquire(): () => void {
    this.inflight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inflight = Math.max(0, this.inflight - 1);
    };
  }

  authorization(): string | undefined {
    return this.apiKey ? `Bearer ${this.apiKey}` : undefined;
  }

  now(): number {
    return this.clock.now();
  }

  async close(): Promise<void> {
    this.exactCache?.stop();
    this.sockets?.close();
    await this.dispatcher.close().catch(() => undefined);
  }

  destroy(): Promise<void> {
    this.exactCache?.stop();
    this.sockets?.destroy();
    return this.dispatcher.destroy().catch(() => undefined);
  }

  private createSockets(): UpstreamSockets | null {
    const origin = new URL(this.url);
    return origin.protocol === 'http:' ? new UpstreamSockets(origin, this.connectTimeout) : null;
  }

  private createDispatcher(): Pool {
    const origin = new URL(this.url).origin;
    return new Pool(origin, {
      connect: { timeout: this.connectTimeout },
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
    });
  }
}
