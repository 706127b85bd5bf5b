// The messages of GET /admin/events, declared once: the sidecar writes them with formatAdminEvent, clients read them
// with parseAdminEvent (from messages of the core SSE parser).
import type { RequestEvent, StateSnapshot } from '../protocol';
import type { SseMessage } from '../sse/parser';

export interface AdminEventMap {
  /** A whole snapshot: on connect, then at least once a second. */
  state: StateSnapshot;
  /** Each finished request. */
  request: RequestEvent;
}

export type AdminEventName = keyof AdminEventMap;

export type AdminEvent = { [K in AdminEventName]: { event: K; data: AdminEventMap[K] } }[AdminEventName];

const NAMES: readonly AdminEventName[] = ['state', 'request'];

/** One event as its SSE frame. */
export function formatAdminEvent<K extends AdminEventName>(event: K, data: AdminEventMap[K]): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The typed event of an SSE message, or undefined for an unknown event name or data that is not a JSON object. */
export function parseAdminEvent(message: SseMessage): AdminEvent | undefined {
  if (!(NAMES as readonly string[]).includes(message.event)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  return { event: message.event, data } as AdminEvent;
}
