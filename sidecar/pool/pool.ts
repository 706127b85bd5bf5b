// A pool at run time: its replicas (including removed ones still draining), its algorithm and balancer, its models.

import type { PoolConfig } from '../../core/config/types';
import type { AlgorithmId } from '../../core/protocol';
import { preferAdapterReplicas } from '../balancer/adapterAffinity';
import { createBalancer } from '../balancer/registry';
import type { Balancer, BalancerContext } from '../balancer/types';
import type { Clock } from './clock';
import { Replica } from './replica';

export class PoolRuntime {
  config: PoolConfig;
  algorithm: AlgorithmId;
  balancer: Balancer;
  /** Replicas in config order, then removed ones that still drain. */
  replicas: Replica[] = [];

  constructor(
    config: PoolConfig,
    private readonly engineIntervalMs: number,
    private readonly balancerContext: BalancerContext,
    private readonly clock: Clock,
  ) {
    this.config = config;
    this.algorithm = config.algorithm;
    this.balancer = createBalancer(config.algorithm, balancerContext);
    this.replicas = config.replicas.map((replica) => new Replica(replica, config, engineIntervalMs, clock));
    this.balancer.onReplicasChanged?.(this.replicas.map((r) => r.name));
  }

  get name(): string {
    return this.config.name;
  }

  setAlgorithm(id: AlgorithmId): void {
    if (id === this.algorithm) return;
    this.algorithm = id;
    this.balancer = createBalancer(id, this.balancerContext);
    this.balancer.onReplicasChanged?.(this.active().map((r) => r.name));
  }

  /** Replicas that belong to the pool (not removed by a reload). */
  active(): Replica[] {
    return this.replicas.filter((replica) => !replica.removed);
  }

  /**
   * Replicas that may take a request now; for `model`, only those that serve it (base model or LoRA adapter, as
   * their own /v1/models lists) or whose list is not known yet. Mixed fleets: an adapter loaded on one replica only
   * goes there, never to the others' 404.
   */
  candidates(model?: string): Replica[] {
    return this.replicas.filter(
      (replica) =>
        !replica.removed &&
        replica.health.isCandidate() &&
        (model === undefined || replica.modelsLearnedAt === null || replica.models.includes(model)),
    );
  }

  /**
   * The candidates the algorithm chooses among: for a LoRA adapter, those where it runs or has room (adapter
   * affinity, so one adapter does not thrash across every replica); otherwise all of them.
   */
  preferred(candidates: Replica[], model: string | undefined): readonly Replica[] {
    if (model === undefined || candidates.length < 2) return candidates;
    if (!candidates.some((replica) => replica.servesAdapter(model))) return candidates;
    return preferAdapterReplicas(candidates, model);
  }

  find(name: string): Replica | undefined {
    return this.active().find((replica) => replica.name === name);
  }

  /** Configured models, else the union of what the replicas reported. */
  models(): string[] {
    if (this.config.models && this.config.models.length > 0) return [...this.config.models];
    const seen = new Set<string>();
    for (const replica of this.active()) for (const model of replica.models) seen.add(model);
    return [...seen];
  }

  /** True when the pool learns its models and no replica has reported any yet. */
  modelsUnknown(): boolean {
    if (this.config.models && this.config.models.length > 0) return false;
    return this.active().every((replica) => replica.modelsLearnedAt === null);
  }

  serves(model: string): boolean {
    return this.models().includes(model);
  }

  /**
   * Applies a reloaded config: replicas with the same name are updated in place (keeping their counters and
   * connections), new ones join, removed ones drain and are returned so the caller can close them once idle.
   */
  applyConfig(config: PoolConfig): { added: Replica[]; removed: Replica[] } {
    const byName = new Map(this.active().map((replica) => [replica.name, replica]));
    const added: Replica[] = [];
    const next: Replica[] = [];
    for (const replicaConfig of config.replicas) {
      const existing = byName.get(replicaConfig.name);
      if (existing && existing.url === replicaConfig.url.replace(/\/+$/, '')) {
        existing.update(replicaConfig, config, this.engineIntervalMs);
        byName.delete(replicaConfig.name);
        next.push(existing);
      } else {
        const replica = new Replica(replicaConfig, config, this.engineIntervalMs, this.clock);
        added.push(replica);
        next.push(replica);
      }
    }
    const removed = [...byName.values()];
    for (const replica of removed) {
      replica.removed = true;
      replica.health.drain('removed from the config');
    }
    const stillDraining = this.replicas.filter((replica) => replica.removed && replica.inflight > 0);
    this.replicas = [...next, ...removed, ...stillDraining.filter((r) => !removed.includes(r))];
    const previous = this.config;
    this.config = config;
    // A changed algorithm in the file wins; an unchanged one keeps any switch made through the admin API.
    if (config.algorithm !== previous.algorithm) this.setAlgorithm(config.algorithm);
    this.balancer.onReplicasChanged?.(next.map((r) => r.name));
    return { added, removed };
  }

  /** Forgets removed replicas that have finished draining; returns them so they can be closed. */
  sweepRemoved(): Replica[] {
    const done = this.replicas.filter((replica) => replica.removed && replica.inflight === 0);
    if (done.length > 0) this.replicas = this.replicas.filter((replica) => !done.includes(replica));
    return done;
  }
}
