// The extension's one HTTP client: every request it makes (the sidecar's admin API and event stream, its /v1 endpoint,
// a replica's /v1/models) goes through httpRequest. undici is loaded on first use, not at activation (its module
// initialisation is the bulk of the bundle's load time). No vscode import.

export interface HttpOptions {
  method?: 'GET' | 'PUT' | 'POST';
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>` when set (never logged, never put in an error). */
  token?: string | undefined;
  /** A JSON body (serialized here, with its content-type). */
  json?: unknown;
  signal?: AbortSignal;
  /** Longest wait for the response head and between body chunks, ms; 0 turns both off (long streams). */
  timeoutMs?: number;
  /** Longest silence in the body, ms, when it differs from timeoutMs (an event stream's idle limit). */
  bodyTimeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as bytes, as they arrive (read it once: here, via text(), or via json()). */
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  /** Reads and drops the rest of the body (so the connection can be reused). */
  discard(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

let undici: Promise<typeof import('undici')> | undefined;

export async function httpRequest(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  undici ??= import('undici');
  const { request } = await undici;
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const response = await request(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
    signal: options.signal,
    headersTimeout: timeout,
    bodyTimeout: options.bodyTimeoutMs ?? timeout,
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.body,
    text: () => response.body.text(),
    discard: () => response.body.dump().then(() => undefined),
  };
}

/** The system or undici error code of a failed request (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, ...). */
export function errorCode(error: unknown): string | undefined {
  const direct = (error as { code?: unknown } | undefined)?.code;
  if (typeof direct === 'string') return direct;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

/** True when the request gave up waiting (its signal's timeout or undici's own). */
export function isTimeout(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  const code = errorCode(error);
  return (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_ABORTED'
  );
}

/** A short account of a failed request: its code and message, never its headers. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
