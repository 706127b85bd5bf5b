// Typed client for the sidecar's admin API (CONTRACT.md "HTTP endpoints") and its /admin/events stream.
// No vscode import: tested in plain Node against a local server.
import type { AlgorithmId, ReloadResult, RequestEvent, SetAlgorithmRequest, StateSnapshot } from '../core/protocol';
import { Backoff } from './backoff';
import { SseParser } from './sseParser';

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

const TIMEOUT_MS = 10_000;

/** undici is loaded on first use, not at activation (its module initialisation is the bulk of the bundle's load time). */
async function undiciRequest(): Promise<typeof import('undici').request> {
  return (await import('undici')).request;
}

export class SidecarClient {
  constructor(readonly connection: AdminConnection) {}

  state(): Promise<StateSnapshot> {
    return this.call<StateSnapshot>('GET', '/admin/state');
  }

  async setAlgorithm(algorithm: AlgorithmId, pool?: string): Promise<void> {
    const body: SetAlgorithmRequest = pool === undefined ? { algorithm } : { algorithm, pool };
    await this.call('PUT', '/admin/algorithm', body);
  }

  async drain(pool: string, replica: string): Promise<void> {
    await this.call('POST', `/admin/replicas/${encodeURIComponent(pool)}/${encodeURIComponent(replica)}/drain`);
  }

  async enable(pool: string, replica: string): Promise<void> {
    await this.call('POST', `/admin/replicas/${encodeURIComponent(pool)}/${encodeURIComponent(replica)}/enable`);
  }

  /** Asks the sidecar to re-read its config file. An invalid file is not an exception: `ok` is false with the errors. */
  async reload(): Promise<ReloadResult> {
    try {
      const result = await this.call<Partial<ReloadResult> | undefined>('POST', '/admin/reload');
      return { ok: true, errors: result?.errors ?? [] };
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 400) return { ok: false, errors: error.details };
      throw error;
    }
  }

  private async call<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.connection.token) headers['authorization'] = `Bearer ${this.connection.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const request = await undiciRequest();
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(this.connection.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
    } catch (error) {
      throw new AdminApiError(`sidecar not reachable at ${this.connection.baseUrl}: ${describe(error)}`, 0);
    }
    const text = await response.body.text();
    if (response.statusCode >= 200 && response.statusCode < 300) {
      return (text ? JSON.parse(text) : undefined) as T;
    }
    const { message, details } = errorOf(text);
    throw new AdminApiError(
      `${method} ${path}: ${response.statusCode}${message ? ` ${message}` : ''}`,
      response.statusCode,
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

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${error.message}` : error.message;
  }
  return String(error);
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
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (connection.token) headers['authorization'] = `Bearer ${connection.token}`;
    const request = await undiciRequest();
    const response = await request(`${connection.baseUrl}/admin/events`, {
      headers,
      signal,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: options.idleTimeoutMs ?? 15_000,
    });
    if (response.statusCode !== 200) {
      await response.body.text().catch(() => undefined);
      throw new Error(`/admin/events answered ${response.statusCode}`);
    }
    backoff.reset();
    handlers.onConnected?.();
    const parser = new SseParser();
    response.body.setEncoding('utf8');
    for await (const chunk of response.body as AsyncIterable<string>) {
      for (const message of parser.push(chunk)) dispatch(message.event, message.data, handlers);
    }
  };

  const loop = async (): Promise<void> => {
    while (!signal.aborted) {
      let reason = 'stream ended';
      try {
        await readOnce();
      } catch (error) {
        reason = describe(error);
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

function dispatch(event: string, data: string, handlers: AdminEventHandlers): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return;
  }
  if (event === 'state') handlers.onState(parsed as StateSnapshot);
  else if (event === 'request') handlers.onRequest?.(parsed as RequestEvent);
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
