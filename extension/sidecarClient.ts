// Typed client for the sidecar's admin API (CONTRACT.md "HTTP endpoints") and its /admin/events stream.
// No vscode import: tested in plain Node against a local server.
import { parseAdminEvent } from '../core/admin/events';
import { ADMIN_ROUTES, type AdminApi, type AdminRouteName, adminPath, type ParamsOf } from '../core/admin/routes';
import type { AlgorithmId, ReloadResult, RequestEvent, StateSnapshot } from '../core/protocol';
import { readSse } from '../core/sse/read';
import { Backoff } from './backoff';
import { describeError, httpRequest } from './http/client';

export interface AdminConnection {
  /** Origin of the sidecar, e.g. http://127.0.0.1:8800 (no trailing slash, no /v1). */
  baseUrl: string;
  token?: string;
}

/** A non-2xx answer of the admin API (or no answer: status 0), with the server's message when it sent one. */
export class AdminApiError extends Error {
  override name = 'AdminApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

const NO_PARAMS = {} as Record<never, string>;

export class SidecarClient {
  constructor(readonly connection: AdminConnection) {}

  state(): Promise<StateSnapshot> {
    return this.call('state', NO_PARAMS, undefined);
  }

  async setAlgorithm(algorithm: AlgorithmId, pool?: string): Promise<void> {
    await this.call('setAlgorithm', NO_PARAMS, pool === undefined ? { algorithm } : { algorithm, pool });
  }

  async drain(pool: string, replica: string): Promise<void> {
    await this.call('drain', { pool, replica }, undefined);
  }

  async enable(pool: string, replica: string): Promise<void> {
    await this.call('enable', { pool, replica }, undefined);
  }

  /** Asks the sidecar to re-read its config file. An invalid file is not an exception: `ok` is false with the errors. */
  async reload(): Promise<ReloadResult> {
    try {
      const result = (await this.call('reload', NO_PARAMS, undefined)) as Partial<ReloadResult> | undefined;
      return { ok: true, errors: result?.errors ?? [] };
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 400) return { ok: false, errors: error.details };
      throw error;
    }
  }

  /** One admin route, typed by the shared table (core/admin/routes.ts): its path, method, body and answer. */
  async call<K extends AdminRouteName>(
    name: K,
    params: ParamsOf<K>,
    body: AdminApi[K]['body'],
  ): Promise<AdminApi[K]['result']> {
    const { method } = ADMIN_ROUTES[name];
    const path = adminPath(name, params);
    let response: Awaited<ReturnType<typeof httpRequest>>;
    try {
      response = await httpRequest(this.connection.baseUrl + path, {
        method,
        headers: { accept: 'application/json' },
        token: this.connection.token,
        json: body,
      });
    } catch (error) {
      throw new AdminApiError(`sidecar not reachable at ${this.connection.baseUrl}: ${describeError(error)}`, 0);
    }
    const text = await response.text();
    if (response.status >= 200 && response.status < 300) {
      return (text ? JSON.parse(text) : undefined) as AdminApi[K]['result'];
    }
    const { message, details } = errorOf(text);
    throw new AdminApiError(
      `${method} ${path}: ${response.status}${message ? ` ${message}` : ''}`,
      response.status,
      details,
    );
  }
}

/** Reads `{"error":{"message"}}` (OpenAI shape) or `{"errors":[...]}` (reload) from an error body. */
function errorOf(text: string): { message: string; details: string[] } {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown }; errors?: unknown };
    const details = Array.isArray(parsed.errors) ? parsed.errors.map(String) : [];
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : details.join('; ');
    return { message, details: details.length > 0 ? details : message ? [message] : [] };
  } catch {
    return { message: text.slice(0, 200), details: text ? [text.slice(0, 2000)] : [] };
  }
}

export interface AdminEventHandlers {
  onState(snapshot: StateSnapshot): void;
  onRequest?(event: RequestEvent): void;
  /** The stream is open (again). */
  onConnected?(): void;
  /** The stream ended or failed; it is retried after `retryInMs`. */
  onDisconnected?(reason: string, retryInMs: number): void;
}

export interface EventStreamOptions {
  backoff?: Backoff;
  /** A stream silent this long is treated as dead (the sidecar sends state at least once a second). */
  idleTimeoutMs?: number;
}

export interface EventStream {
  close(): void;
}

/** Follows /admin/events until closed, reconnecting with backoff whenever the stream ends or fails. */
export function watchAdminEvents(
  connection: AdminConnection,
  handlers: AdminEventHandlers,
  options: EventStreamOptions = {},
): EventStream {
  const backoff = options.backoff ?? new Backoff(250, 10_000);
  const controller = new AbortController();
  const { signal } = controller;

  const readOnce = async (): Promise<void> => {
    const response = await httpRequest(connection.baseUrl + adminPath('events', NO_PARAMS), {
      headers: { accept: 'text/event-stream' },
      token: connection.token,
      signal,
      bodyTimeoutMs: options.idleTimeoutMs ?? 15_000,
    });
    if (response.status !== 200) {
      await response.discard().catch(() => undefined);
      throw new Error(`${ADMIN_ROUTES.events.path} answered ${response.status}`);
    }
    backoff.reset();
    handlers.onConnected?.();
    for await (const message of readSse(response.body)) {
      const event = parseAdminEvent(message);
      if (event?.event === 'state') handlers.onState(event.data);
      else if (event?.event === 'request') handlers.onRequest?.(event.data);
    }
  };

  const loop = async (): Promise<void> => {
    while (!signal.aborted) {
      let reason = 'stream ended';
      try {
        await readOnce();
      } catch (error) {
        reason = describeError(error);
      }
      if (signal.aborted) return;
      const delay = backoff.next();
      handlers.onDisconnected?.(reason, delay);
      await sleep(delay, signal);
    }
  };
  void loop();
  return { close: () => controller.abort() };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
