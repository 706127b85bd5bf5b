// The typed message protocol between the dashboard panel (extension host) and its page (webview).
// Each direction is declared once (HOST_TO_PAGE, PAGE_TO_HOST); the types and the guards both come from it.
// Plain data only: imported by the host, the page bundle and the tests.
import { ALGORITHM_IDS, type RequestEvent, type StateSnapshot } from '../protocol';
import * as s from '../schema';

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

const CONNECTION_STATUS = s.object({
  state: s.oneOf(['connecting', 'connected', 'disconnected'] as const),
  /** Why, in words, when not connected ("connect ECONNREFUSED 127.0.0.1:8800"). */
  detail: s.nullable(s.string),
});

/** How the host's link to the sidecar is doing. */
export type ConnectionStatus = s.Infer<typeof CONNECTION_STATUS>;

export const DASHBOARD_ACTIONS = ['setAlgorithm', 'drain', 'enable'] as const;
export type DashboardAction = (typeof DASHBOARD_ACTIONS)[number];

/**
 * Host to page. The snapshots, samples and request events inside are built by the host from the sidecar's answers:
 * the page checks each message's shape down to those payloads (`trusted`), not the payloads field by field.
 */
export const HOST_TO_PAGE = s.tagged('type', {
  /** Everything the page needs to draw itself from nothing: sent on `ready` and when the panel becomes visible. */
  full: {
    state: s.nullable(s.trusted<StateSnapshot>()),
    history: s.arrayOf(s.trusted<HistorySample>()),
    /** Newest first. */
    recent: s.arrayOf(s.trusted<RequestEvent>()),
    connection: CONNECTION_STATUS,
  },
  /** What changed since the last message (sent at most a few times a second). */
  update: {
    /** The latest snapshot, or null when none arrived since the last message. */
    state: s.nullable(s.trusted<StateSnapshot>()),
    /** New chart points, oldest first. */
    samples: s.arrayOf(s.trusted<HistorySample>()),
    /** Requests finished since the last message, oldest first. */
    requests: s.arrayOf(s.trusted<RequestEvent>()),
  },
  connection: { connection: CONNECTION_STATUS },
  /** The outcome of a page action, so the page can show an error next to the control. */
  actionResult: {
    action: s.oneOf(DASHBOARD_ACTIONS),
    pool: s.string,
    replica: s.nullable(s.string),
    ok: s.boolean,
    message: s.nullable(s.string),
  },
});

export type HostToPageMessage = s.Infer<typeof HOST_TO_PAGE>;
export type FullMessage = s.VariantOf<HostToPageMessage, 'type', 'full'>;
export type UpdateMessage = s.VariantOf<HostToPageMessage, 'type', 'update'>;
export type ConnectionMessage = s.VariantOf<HostToPageMessage, 'type', 'connection'>;
export type ActionResultMessage = s.VariantOf<HostToPageMessage, 'type', 'actionResult'>;

/** Page to host: the host checks every field before it acts. */
export const PAGE_TO_HOST = s.tagged('type', {
  /** The page has loaded (or reloaded) and wants a full message. */
  ready: {},
  setAlgorithm: { pool: s.string, algorithm: s.oneOf(ALGORITHM_IDS) },
  drain: { pool: s.string, replica: s.string },
  enable: { pool: s.string, replica: s.string },
});

export type PageToHostMessage = s.Infer<typeof PAGE_TO_HOST>;
export type ReadyMessage = s.VariantOf<PageToHostMessage, 'type', 'ready'>;
export type SetAlgorithmMessage = s.VariantOf<PageToHostMessage, 'type', 'setAlgorithm'>;
export type ReplicaActionMessage = s.VariantOf<PageToHostMessage, 'type', 'drain' | 'enable'>;

/** The key of a replica in history samples and keyed DOM updates (unambiguous whatever the names hold). */
export function replicaKey(pool: string, replica: string): string {
  return JSON.stringify([pool, replica]);
}
