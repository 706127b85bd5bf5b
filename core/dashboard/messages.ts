// The typed message protocol between the dashboard panel (extension host) and its page (webview).
// Plain data only: imported by the host, the page bundle and the tests.
import type { AlgorithmId, RequestEvent, StateSnapshot } from '../protocol';
import { isAlgorithmId } from '../protocol';

/** Per-replica figures at one instant, as plotted by the charts. */
export interface ReplicaSample {
  requestsPerSecond: number;
  ttftP95Ms: number | null;
  tokensPerSecond: number;
  inflight: number;
}

/** One point of the charts' time axis: the figures of every replica in one snapshot. */
export interface HistorySample {
  /** Epoch ms of the snapshot (the sidecar's clock). */
  t: number;
  /** Keyed by `replicaKey(pool, replica)`. */
  replicas: Record<string, ReplicaSample>;
}

/** How the host's link to the sidecar is doing. */
export interface ConnectionStatus {
  state: 'connecting' | 'connected' | 'disconnected';
  /** Why, in words, when not connected ("connect ECONNREFUSED 127.0.0.1:8800"). */
  detail: string | null;
}

export type DashboardAction = 'setAlgorithm' | 'drain' | 'enable';

/** Everything the page needs to draw itself from nothing: sent on `ready` and when the panel becomes visible. */
export interface FullMessage {
  type: 'full';
  state: StateSnapshot | null;
  history: HistorySample[];
  /** Newest first. */
  recent: RequestEvent[];
  connection: ConnectionStatus;
}

/** What changed since the last message (sent at most a few times a second). */
export interface UpdateMessage {
  type: 'update';
  /** The latest snapshot, or null when none arrived since the last message. */
  state: StateSnapshot | null;
  /** New chart points, oldest first. */
  samples: HistorySample[];
  /** Requests finished since the last message, oldest first. */
  requests: RequestEvent[];
}

export interface ConnectionMessage {
  type: 'connection';
  connection: ConnectionStatus;
}

/** The outcome of a page action, so the page can show an error next to the control. */
export interface ActionResultMessage {
  type: 'actionResult';
  action: DashboardAction;
  pool: string;
  replica: string | null;
  ok: boolean;
  message: string | null;
}

export type HostToPageMessage = FullMessage | UpdateMessage | ConnectionMessage | ActionResultMessage;

/** The page has loaded (or reloaded) and wants a full message. */
export interface ReadyMessage {
  type: 'ready';
}

export interface SetAlgorithmMessage {
  type: 'setAlgorithm';
  pool: string;
  algorithm: AlgorithmId;
}

export interface ReplicaActionMessage {
  type: 'drain' | 'enable';
  pool: string;
  replica: string;
}

export type PageToHostMessage = ReadyMessage | SetAlgorithmMessage | ReplicaActionMessage;

/** Checks a message from the page before the host acts on it. */
export function isPageToHostMessage(value: unknown): value is PageToHostMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message['type']) {
    case 'ready':
      return true;
    case 'setAlgorithm':
      return typeof message['pool'] === 'string' && isAlgorithmId(message['algorithm']);
    case 'drain':
    case 'enable':
      return typeof message['pool'] === 'string' && typeof message['replica'] === 'string';
    default:
      return false;
  }
}

/** The key of a replica in history samples and keyed DOM updates (unambiguous whatever the names hold). */
export function replicaKey(pool: string, replica: string): string {
  return JSON.stringify([pool, replica]);
}
