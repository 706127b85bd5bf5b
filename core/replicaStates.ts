// How a replica's state is named to people: one table for the Pools tree (extension), the dashboard's replica cards
// (webview) and their tooltips. The state ids themselves (ReplicaHealth) stay in class names and context values.
import type { ReplicaHealth } from './protocol';

export const REPLICA_STATE_LABELS: Readonly<Record<ReplicaHealth, string>> = {
  healthy: 'healthy',
  unhealthy: 'down',
  draining: 'draining',
  unknown: 'checking…',
};

/** The state ids, in the table's order. */
export const REPLICA_STATES = Object.keys(REPLICA_STATE_LABELS) as ReplicaHealth[];
