// "Test connection" of a replica: GET {url}/v1/models, with its API key when it has one, and a short answer in words.
// The key is sent only to the replica and never appears in the answer. Pure Node (no vscode import).

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  models: string[];
}

export interface ConnectionTestOptions {
  apiKey?: string;
  timeoutMs?: number;
  /** Milliseconds since some origin; injected so tests can control the reported duration. */
  now?: () => number;
}

/** The models URL of a replica whose configured URL may or may not end with /v1. */
export function modelsUrl(replicaUrl: string): URL {
  const url = new URL(replicaUrl);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = `${path.endsWith('/v1') ? path : `${path}/v1`}/models`;
  url.search = '';
  url.hash = '';
  return url;
}

export async function testReplicaConnection(
  replicaUrl: string,
  options: ConnectionTestOptions = {},
): Promise<ConnectionTestResult> {
  const now = options.now ?? (() => performance.now());
  let url: URL;
  try {
    url = modelsUrl(replicaUrl);
  } catch {
    return { ok: false, message: `"${replicaUrl}" is not a URL`, models: [] };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: 'the URL must start with http:// or https://', models: [] };
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`;
  const started = now();
  let response: Response;
  try {
    response = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      redirect: 'manual',
    });
  } catch (error) {
    return { ok: false, message: describeFetchError(error, options.timeoutMs ?? 5000), models: [] };
  }
  const elapsed = Math.round(now() - started);
  if (!response.ok) {
    await response.body?.cancel();
    const hint = response.status === 401 || response.status === 403 ? ': check the API key' : '';
    return { ok: false, message: `HTTP ${response.status} from ${url.pathname} in ${elapsed} ms${hint}`, models: [] };
  }
  let models: string[];
  try {
    const body = (await response.json()) as { data?: { id?: unknown }[] };
    models = (body.data ?? []).map((model) => model.id).filter((id): id is string => typeof id === 'string');
  } catch {
    return { ok: false, message: `${url.pathname} did not answer with an OpenAI model list`, models: [] };
  }
  const count = `${models.length} model${models.length === 1 ? '' : 's'}`;
  return { ok: true, message: `${count} in ${elapsed} ms${models.length ? `: ${models.join(', ')}` : ''}`, models };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const name = (error as Error | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code) return `cannot connect: ${cause.code}`;
  return `cannot connect: ${cause?.message ?? (error as Error | undefined)?.message ?? 'unknown error'}`;
}
