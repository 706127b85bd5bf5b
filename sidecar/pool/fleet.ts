// All pools at run time plus their background monitors: model lookup, drain/enable, algorithm switches and the
// application of a reloaded config (new replicas join, removed ones drain, streams in flight are never cut).

import type { Config } from '../../core/config/types';
import type { AlgorithmId } from '../../core/protocol';
import type { BalancerContext } from '../balancer/types';
import { ReplicaMonitor } from '../health/monitor';
import type { Logger } from '../log';
import type { Clock } from './clock';
import { PoolRuntime } from './pool';
import type { Replica } from './replica';

const SWEEP_MS = 500;

export class Fleet {
  pools: PoolRuntime[];
  private readonly monitors = new Map<Replica, ReplicaMonitor>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private config: Config,
    private readonly balancerContext: BalancerContext,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.pools = config.pools.map(
      (pool) => new PoolRuntime(pool, config.engineMetrics.interval, balancerContext, clock),
    );
    for (const pool of this.pools) for (const replica of pool.replicas) this.startMonitor(replica, pool);
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Re-reads these replicas' /v1/models now (after an adapter was loaded or unloaded through the sidecar). */
  async refreshModels(replicas: readonly Replica[]): Promise<void> {
    await Promise.allSettled(replicas.map((replica) => this.monitors.get(replica)?.refreshModels()));
  }

  /** Waits (bounded) until every pool that learns its models has heard from at least one replica. */
  async learnModels(timeoutMs: number): Promise<void> {
    const waiting = this.pools.filter((pool) => pool.modelsUnknown());
    if (waiting.length === 0) return;
    const tasks = waiting.flatMap((pool) =>
      pool.active().map((replica) => this.monitors.get(replica)?.refreshModels() ?? Promise.resolve(false)),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(tasks),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    if (timer) clearTimeout(timer);
  }

  /** The pool serving `model`; the first pool when the body names none. */
  poolFor(model: string | undefined): PoolRuntime | undefined {
    if (model === undefined) return this.pools[0];
    return this.pools.find((pool) => pool.serves(model));
  }

  knownModels(): string[] {
    const seen = new Set<string>();
    for (const pool of this.pools) for (const model of pool.models()) seen.add(model);
    return [...seen];
  }

  pool(name: string): PoolRuntime | undefined {
    return this.pools.find((pool) => pool.name === name);
  }

  setAlgorithm(id: AlgorithmId, poolName?: string): boolean {
    const targets = poolName === undefined ? this.pools : this.pools.filter((pool) => pool.name === poolName);
    if (targets.length === 0) return false;
    for (const pool of targets) pool.setAlgorithm(id);
    return true;
  }

  /** The sidecar-wide algorithm: the one every pool shares, else the config default. */
  algorithm(): AlgorithmId {
    const first = this.pools[0]?.algorithm;
    return first && this.pools.every((pool) => pool.algorithm === first) ? first : this.config.algorithm;
  }

  apply(config: Config): void {
    const byName = new Map(this.pools.map((pool) => [pool.name, pool]));
    const next: PoolRuntime[] = [];
    for (const poolConfig of config.pools) {
      const existing = byName.get(poolConfig.name);
      if (existing) {
        byName.delete(poolConfig.name);
        const { added } = existing.applyConfig(poolConfig);
        for (const replica of added) this.startMonitor(replica, existing);
        next.push(existing);
      } else {
        const pool = new PoolRuntime(poolConfig, config.engineMetrics.interval, this.balancerContext, this.clock);
        for (const replica of pool.replicas) this.startMonitor(replica, pool);
        next.push(pool);
      }
    }
    // Pools gone from the config: their replicas drain; the pool stays reachable until they are idle.
    for (const pool of byName.values()) {
      for (const replica of pool.active()) {
        replica.removed = true;
        replica.health.drain('removed from the config');
      }
      if (pool.replicas.some((replica) => replica.inflight > 0)) this.retiring.push(pool);
      else for (const replica of pool.replicas) this.stopReplica(replica);
    }
    for (const monitor of this.monitors.values()) monitor.setSettings({ engineMetrics: config.engineMetrics });
    this.pools = next;
    this.config = config;
    this.sweep();
  }

  private retiring: PoolRuntime[] = [];

  allReplicas(): Replica[] {
    return [...this.pools, ...this.retiring].flatMap((pool) => pool.replicas);
  }

  inflight(): number {
    return this.allReplicas().reduce((sum, replica) => sum + replica.inflight, 0);
  }

  /** Probe a replica out of turn (after a passive ejection ends). */
  probe(replica: Replica): void {
    void this.monitors.get(replica)?.checkHealth();
  }

  async close(force: boolean): Promise<void> {
    clearInterval(this.sweeper);
    for (const monitor of this.monitors.values()) monitor.stop();
    this.monitors.clear();
    await Promise.all(this.allReplicas().map((replica) => (force ? replica.destroy() : replica.close())));
  }

  private startMonitor(replica: Replica, pool: PoolRuntime): void {
    const monitor = new ReplicaMonitor(replica, pool, { engineMetrics: this.config.engineMetrics }, this.logger);
    this.monitors.set(replica, monitor);
    replica.refreshEngine = () => monitor.scrapeEngineNow();
    monitor.start();
    replica.startKvEvents(this.logger);
  }

  private stopReplica(replica: Replica): void {
    this.monitors.get(replica)?.stop();
    this.monitors.delete(replica);
    replica.refreshEngine = undefined;
    void replica.close();
  }

  private sweep(): void {
    for (const pool of [...this.pools, ...this.retiring]) {
      for (const replica of pool.replicas) {
        if (replica.health.tick()) {
          this.logger.info(`replica ${replica.name} back from ejection; probing`, { pool: pool.name });
          this.probe(replica);
        }
      }
      for (const replica of pool.sweepRemoved()) this.stopReplica(replica);
    }
    this.retiring = this.retiring.filter((pool) => pool.replicas.length > 0);
  }
}
