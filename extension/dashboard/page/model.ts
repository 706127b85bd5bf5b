// What the page knows: the latest snapshot, chart history, recent requests, the link status and the outcome of the
// user's last actions. Applying a host message is pure, so it is tested without a browser.
import type { AlgorithmId, RequestEvent, StateSnapshot } from '../../../sidecar/protocol';
import { appendSamples } from '../history';
import { type ConnectionStatus, type HistorySample, type HostToPageMessage, replicaKey } from '../messages';

export const RECENT_REQUESTS_SHOWN = 20;

/** What the page persists with setState (everything it needs to draw itself before the host answers). */
export interface PersistedModel {
  version: 1;
  state: StateSnapshot | null;
  history: HistorySample[];
  recent: RequestEvent[];
  connection: ConnectionStatus;
}

export interface PageModel extends PersistedModel {
  /** Algorithms chosen in the page that the snapshot does not show yet, by pool. */
  pendingAlgorithms: Map<string, AlgorithmId>;
  /** Drain/enable clicks the snapshot does not show yet, by replica key. */
  pendingReplicaActions: Map<string, 'drain' | 'enable'>;
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

/** Applies one host message. Returns false when the message was not for us. */
export function applyHostMessage(model: PageModel, message: HostToPageMessage): boolean {
  switch (message.type) {
    case 'full':
      model.state = message.state;
      model.history = appendSamples([], message.history);
      model.recent = message.recent.slice(0, RECENT_REQUESTS_SHOWN);
      model.connection = message.connection;
      model.pendingAlgorithms.clear();
      model.pendingReplicaActions.clear();
      return true;
    case 'update':
      if (message.state) model.state = message.state;
      appendSamples(model.history, message.samples);
      for (const event of message.requests) model.recent.unshift(event);
      if (model.recent.length > RECENT_REQUESTS_SHOWN) model.recent.length = RECENT_REQUESTS_SHOWN;
      if (message.state) settlePending(model);
      return true;
    case 'connection':
      model.connection = message.connection;
      return true;
    case 'actionResult': {
      const key = message.replica === null ? message.pool : replicaKey(message.pool, message.replica);
      if (message.ok) {
        model.errors.delete(key);
      } else {
        model.errors.set(key, message.message ?? `${message.action} failed`);
        if (message.action === 'setAlgorithm') model.pendingAlgorithms.delete(message.pool);
        else model.pendingReplicaActions.delete(key);
      }
      return true;
    }
    default:
      return false;
  }
}

/** The user picked an algorithm for a pool: show it until the sidecar confirms or refuses. */
export function noteAlgorithmChoice(model: PageModel, pool: string, algorithm: AlgorithmId): void {
  model.pendingAlgorithms.set(pool, algorithm);
  model.errors.delete(pool);
}

/** The user pressed drain or enable: disable the button until the sidecar confirms or refuses. */
export function noteReplicaAction(model: PageModel, pool: string, replica: string, action: 'drain' | 'enable'): void {
  const key = replicaKey(pool, replica);
  model.pendingReplicaActions.set(key, action);
  model.errors.delete(key);
}

/** A new snapshot settles the user's pending choices: from now on the page shows what the sidecar says. */
function settlePending(model: PageModel): void {
  const pools = model.state?.pools ?? [];
  for (const [pool, algorithm] of model.pendingAlgorithms) {
    const current = pools.find((p) => p.name === pool);
    if (!current || current.algorithm === algorithm) model.pendingAlgorithms.delete(pool);
  }
  const stateByKey = new Map<string, string>();
  for (const pool of pools) {
    for (const replica of pool.replicas) stateByKey.set(replicaKey(pool.name, replica.name), replica.state);
  }
  for (const [key, action] of model.pendingReplicaActions) {
    const state = stateByKey.get(key);
    if (state === undefined || (state === 'draining') === (action === 'drain')) model.pendingReplicaActions.delete(key);
  }
}
