// The state snapshot of the admin API (core/protocol.ts). API keys are never part of it.

import type { PoolState, ReplicaState, StateSnapshot } from '../../core/protocol';
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
