// Classifies what went wrong talking to a replica, in the words of the stats and the retry rule.
export type UpstreamErrorKind = 'connect' | 'timeout' | 'reset' | 'idle-timeout' | 'client-abort' | 'error';

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ECONNABORTED',
  'UPSTREAM_CONNECT_TIMEOUT',
]);
const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_INFO',
  'UPSTREAM_CLOSED',
]);

export function classifyUpstreamError(error: unknown): { kind: UpstreamErrorKind; message: string } {
  const err = error as { code?: string; name?: string; message?: string; cause?: { code?: string } } | undefined;
  const code = err?.code ?? err?.cause?.code;
  if (err?.name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') {
    return { kind: 'client-abort', message: 'client closed the connection' };
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UPSTREAM_HEADERS_TIMEOUT')
    return { kind: 'timeout', message: 'no response head within the first-byte timeout' };
  if (code === 'UND_ERR_BODY_TIMEOUT' || code === 'UPSTREAM_BODY_TIMEOUT')
    return { kind: 'idle-timeout', message: 'no data within the idle timeout' };
  if (code && CONNECT_CODES.has(code)) return { kind: 'connect', message: `connect failed (${code})` };
  if (code && RESET_CODES.has(code)) return { kind: 'reset', message: `connection reset (${code})` };
  return { kind: 'error', message: err?.message ? `upstream error: ${err.message}` : 'upstream error' };
}

/** Errors that happen before anything was sent to the client and justify another replica. */
export function isRetryableKind(kind: UpstreamErrorKind): boolean {
  return kind === 'connect' || kind === 'timeout' || kind === 'reset';
}

export const RETRYABLE_STATUSES = new Set([502, 503, 504]);
