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
