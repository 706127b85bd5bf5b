// The state snapshot of the admin API (core/protocol.ts). API keys are never part of it.

import type { PoolState, ReplicaState, ServedModel, StateSnapshot, UserState } from '../../core/protocol';
import type { Fleet } from '../pool/fleet';
import type { PoolRuntime } from '../pool/pool';
import type { Replica } from '../pool/replica';
import type { ActiveStreams } from './activeStreams';

export interface SnapshotSource {
  version: string;
  endpoint: string;
  configPath: string | null;
  startedAt: number;
  now: number;
  fleet: Fleet;
  streams: ActiveStreams;
  /** The gateway users' rows (config `users`), when any are configured. */
  users?: UserState[] | undefined;
}

export function buildSnapshot(source: SnapshotSource): StateSnapshot {
  return {
    version: source.version,
    algorithm: source.fleet.algorithm(),
    endpoint: source.endpoint,
    configPath: source.configPath,
    startedAt: source.startedAt,
    now: source.now,
    pools: source.fleet.pools.map(poolState),
    streams: source.streams.snapshot(source.now),
    ...(source.users ? { users: source.users } : {}),
  };
}

function poolState(pool: PoolRuntime): PoolState {
  const replicas = pool.replicas.map(replicaState);
  return {
    name: pool.name,
    algorithm: pool.algorithm,
    models: pool.models(),
    healthy: replicas.filter((replica) => replica.state === 'healthy').length,
    total: pool.active().length,
    replicas,
  };
}

export function replicaState(replica: Replica): ReplicaState {
  const stats = replica.stats;
  return {
    name: replica.name,
    url: redactUrl(replica.url),
    weight: replica.weight,
    state: replica.health.state(),
    reason: replica.health.reason(),
    lastError: replica.health.lastError,
    ejectedUntil: replica.health.ejectedUntilNow(),
    models: [...replica.models],
    served: servedModels(replica),
    inflight: replica.inflight,
    requests: stats.requests,
    errors: stats.errors,
    errorsByKind: Object.fromEntries(stats.errorsByKind),
    retries: stats.retries,
    ejections: stats.ejections,
    bytesSent: stats.bytesSent,
    bytesReceived: stats.bytesReceived,
    requestsPerSecond: stats.requestsPerSecond(),
    errorRate: stats.errorRate(),
    ttftMs: stats.ttft.percentiles(),
    itlMs: stats.itl.percentiles(),
    tokensPerSecond: stats.tokensPerSecond(),
    engine: replica.engineTracker.state(),
  };
}

/**
 * The replica's /v1/models cards as ids with their base model. vLLM names a LoRA adapter's base model in `parent`
 * (null for a base model; `root` is a path for both, so it says nothing about adapters).
 */
export function servedModels(replica: Pick<Replica, 'models' | 'modelCards'>): ServedModel[] {
  const cards = new Map(replica.modelCards.map((card) => [card['id'], card]));
  return replica.models.map((id) => {
    const parent = cards.get(id)?.['parent'];
    return { id, parent: typeof parent === 'string' && parent !== id ? parent : null };
  });
}

/** A replica URL without any user:password part. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
