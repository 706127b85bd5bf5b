// The part of the sidecar's state snapshot that the form shows next to each replica. Pure.

import type { LiveReplica } from '../../core/configEditor/messages';
import type { StateSnapshot } from '../../core/protocol';

export function liveReplicas(snapshot: StateSnapshot | undefined): LiveReplica[] | null {
  if (!snapshot) return null;
  return snapshot.pools.flatMap((pool) =>
    pool.replicas.map((replica) => ({
      pool: pool.name,
      url: replica.url,
      name: replica.name,
      state: replica.state,
      reason: replica.reason,
      inflight: replica.inflight,
    })),
  );
}

/** The port of the running sidecar, from its endpoint (http://127.0.0.1:PORT/v1), or undefined. */
export function sidecarPort(snapshot: StateSnapshot | undefined): number | undefined {
  if (!snapshot) return undefined;
  try {
    const url = new URL(snapshot.endpoint);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return Number.isSafeInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}
