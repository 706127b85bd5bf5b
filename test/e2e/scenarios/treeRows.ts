// How the Pools tree shows a replica's state (extension/poolsTreeModel.ts): a codicon per state and a description.
import type { ReplicaHealth } from '../../../core/protocol';

export const POOLS_VIEW = 'Pools';

const STATE_ICON: Record<ReplicaHealth, string> = {
  healthy: 'codicon-pass-filled',
  unhealthy: 'codicon-error',
  draining: 'codicon-debug-pause',
  unknown: 'codicon-circle-large-outline',
};

/** Rows (as Workbench.treeRowTexts gives them) of replicas shown in `state`. */
export function replicaRowsIn(rows: string[], state: ReplicaHealth): string[] {
  return rows.filter((row) => row.split(' | ')[2]?.split(' ').includes(STATE_ICON[state]));
}

/** The row of one replica, by its name. */
export function replicaRow(rows: string[], name: string): string | undefined {
  return rows.find((row) => row.startsWith(`${name} `) || row.startsWith(`${name} |`));
}

export function rowShows(rows: string[], name: string, state: ReplicaHealth): boolean {
  const row = replicaRow(rows, name);
  return row !== undefined && replicaRowsIn([row], state).length === 1;
}
