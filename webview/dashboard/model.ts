// What the page knows: the latest snapshot, chart history, recent requests, the link status and the user's choices
// that the sidecar has not confirmed yet. Applying a host message is pure, so it is tested without a browser.

import { appendSamples } from '../../core/dashboard/history';
import {
  type ConnectionStatus,
  type HistorySample,
  type HostToPageMessage,
  replicaKey,
} from '../../core/dashboard/messages';
import type { AlgorithmId, RequestEvent, StateSnapshot } from '../../core/protocol';

export const RECENT_REQUESTS_SHOWN = 20;
/** A choice the snapshots have not confirmed after this long is dropped (the host showed the error). */
export const PENDING_TIMEOUT_MS = 5000;

/** What the page persists with setState (everything it needs to draw itself before the host answers). */
export interface PersistedModel {
  version: 1;
  state: StateSnapshot | null;
  history: HistorySample[];
  recent: RequestEvent[];
  connection: ConnectionStatus;
}

export interface Pending<T> {
  value: T;
  /** Page clock (ms) when the user chose. */
  since: number;
}

export type ReplicaAction = 'drain' | 'enable';

export interface PageModel extends PersistedModel {
  /** Algorithms chosen in the page that the snapshot does not show yet, by pool. */
  pendingAlgorithms: Map<string, Pending<AlgorithmId>>;
  /** Drain/enable clicks the snapshot does not show yet, by replica key. */
  pendingReplicaActions: Map<string, Pending<ReplicaAction>>;
  /** Errors from the host, by pool (algorithm) or replica key. */
  errors: Map<string, string>;
}

export function emptyModel(): PageModel {
  return {
    version: 1,
    state: null,
    history: [],
    recent: [],
    connection: { state: 'connecting', detail: null },
    pendingAlgorithms: new Map(),
    pendingReplicaActions: new Map(),
    errors: new Map(),
  };
}

export function restoreModel(saved: unknown): PageModel {
  const model = emptyModel();
  if (typeof saved !== 'object' || saved === null || (saved as PersistedModel).version !== 1) return model;
  const persisted = saved as PersistedModel;
  model.state = persisted.state ?? null;
  model.history = Array.isArray(persisted.history) ? persisted.history : [];
  model.recent = Array.isArray(persisted.recent) ? persisted.recent : [];
  if (persisted.connection) model.connection = persisted.connection;
  return model;
}

export function persistedOf(model: PageModel): PersistedModel {
  return {
    version: 1,
    state: model.state,
    history: model.history,
    recent: model.recent,
    connection: model.connection,
  };
}

/** Applies one host message; `now` is the page clock. */
export function applyHostMessage(model: PageModel, message: HostToPageMessage, now: number): void {
  switch (message.type) {
    case 'full':
      model.state = message.state;
      model.history = appendSamples([], message.history);
      model.recent = message.recent.slice(0, RECENT_REQUESTS_SHOWN);
      model.connection = message.connection;
      model.errors.clear();
      settlePending(model, now);
      dropReplicaActionsUnlessConnected(model);
      return;
    case 'update':
      if (message.state) model.state = message.state;
      appendSamples(model.history, message.samples);
      for (const event of message.requests) model.recent.unshift(event);
      if (model.recent.length > RECENT_REQUESTS_SHOWN) model.recent.length = RECENT_REQUESTS_SHOWN;
      if (message.state) settlePending(model, now);
      return;
    case 'connection':
      model.connection = message.connection;
      dropReplicaActionsUnlessConnected(model);
      return;
    case 'actionResult': {
      const key = message.replica === null ? message.pool : replicaKey(message.pool, message.replica);
      if (message.ok) {
        model.errors.delete(key);
        return;
      }
      model.errors.set(key, message.message ?? `${message.action} failed`);
      if (message.action === 'setAlgorithm') model.pendingAlgorithms.delete(message.pool);
      else model.pendingReplicaActions.delete(key);
      return;
    }
  }
}

/** The user picked an algorithm for a pool: show it until the sidecar confirms or refuses. */
export function noteAlgorithmChoice(model: PageModel, pool: string, algorithm: AlgorithmId, now: number): void {
  model.pendingAlgorithms.set(pool, { value: algorithm, since: now });
  model.errors.delete(pool);
}

/** The user pressed drain or enable: say so on the button until the sidecar confirms or refuses. */
export function noteReplicaAction(
  model: PageModel,
  pool: string,
  replica: string,
  action: ReplicaAction,
  now: number,
): void {
  const key = replicaKey(pool, replica);
  model.pendingReplicaActions.set(key, { value: action, since: now });
  model.errors.delete(key);
}

/**
 * Drops the choices that waited longer than PENDING_TIMEOUT_MS even when no snapshot arrives (a stopped sidecar
 * sends none: the button would say "Draining…" for ever). The page calls it on a timer after each choice.
 */
export function expirePending(model: PageModel, now: number): void {
  for (const [pool, pending] of model.pendingAlgorithms) {
    if (now - pending.since > PENDING_TIMEOUT_MS) model.pendingAlgorithms.delete(pool);
  }
  for (const [key, pending] of model.pendingReplicaActions) {
    if (now - pending.since > PENDING_TIMEOUT_MS) model.pendingReplicaActions.delete(key);
  }
}

/** Without a connected sidecar no snapshot will confirm a drain or enable: they are not pending any more. */
function dropReplicaActionsUnlessConnected(model: PageModel): void {
  if (model.connection.state !== 'connected') model.pendingReplicaActions.clear();
}

/** A new snapshot settles the choices it shows, and those that waited too long. */
function settlePending(model: PageModel, now: number): void {
  const pools = model.state?.pools ?? [];
  const expired = (pending: Pending<unknown>) => now - pending.since > PENDING_TIMEOUT_MS;
  for (const [pool, pending] of model.pendingAlgorithms) {
    const current = pools.find((p) => p.name === pool);
    if (!current || current.algorithm === pending.value || expired(pending)) model.pendingAlgorithms.delete(pool);
  }
  const stateByKey = new Map<string, string>();
  for (const pool of pools) {
    for (const replica of pool.replicas) stateByKey.set(replicaKey(pool.name, replica.name), replica.state);
  }
  for (const [key, pending] of model.pendingReplicaActions) {
    const state = stateByKey.get(key);
    const done = state === undefined || (state === 'draining') === (pending.value === 'drain');
    if (done || expired(pending)) model.pendingReplicaActions.delete(key);
  }
}
