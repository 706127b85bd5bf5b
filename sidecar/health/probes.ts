// The three HTTP reads the sidecar makes of each replica on its own: the health check, the engine /metrics and
// /v1/models. Each carries the replica's API key (vLLM guards /v1 with it; some deployments guard more).
import type { Replica } from '../pool/replica';

export interface ProbeResult {
  ok: boolean;
  status?: number;
  body?: string;
  error?: string;
}

export async function probe(
  replica: Replica,
  path: string,
  timeoutMs: number,
  readBody: boolean,
): Promise<ProbeResult> {
  const headers: Record<string, string> = {};
  const authorization = replica.authorization();
  if (authorization) headers['authorization'] = authorization;
  const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
  try {
    const response = await replica.dispatcher.request({
      path: replica.basePath + path,
      method: 'GET',
      headers,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    if (readBody && ok) return { ok, status: response.statusCode, body: await response.body.text() };
    await response.body.dump().catch(() => undefined);
    return ok
      ? { ok, status: response.statusCode }
      : { ok, status: response.statusCode, error: `HTTP ${response.statusCode}` };
  } catch (error) {
    return { ok: false, error: describeError(error, timeoutMs) };
  }
}

/** A short description of a network error, never containing headers (and so never a key). */
export function describeError(error: unknown, timeoutMs?: number): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error.name === 'TimeoutError' || error.name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return timeoutMs !== undefined ? `timeout after ${timeoutMs}ms` : 'timeout';
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
  const detail = cause?.code ?? code;
  if (detail === 'ECONNREFUSED') return 'connect ECONNREFUSED';
  if (detail) return `${detail}${error.message ? `: ${error.message}` : ''}`;
  return error.message;
}
