// "Test connection" of a replica: GET {url}/v1/models, with its API key when it has one, and a short answer in words.
// The key is sent only to the replica and never appears in the answer. Pure Node (no vscode import).
import { errorCode, isTimeout } from '../http/client';
import { fetchModelList, modelsUrl } from '../http/modelList';

export { modelsUrl };

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
  const timeoutMs = options.timeoutMs ?? 5000;
  const started = now();
  let result: Awaited<ReturnType<typeof fetchModelList>>;
  try {
    result = await fetchModelList(url, { token: options.apiKey, timeoutMs });
  } catch (error) {
    return { ok: false, message: describeFailure(error, timeoutMs), models: [] };
  }
  const elapsed = Math.round(now() - started);
  if (!result.ok) {
    const hint = result.status === 401 || result.status === 403 ? ': check the API key' : '';
    return { ok: false, message: `HTTP ${result.status} from ${url.pathname} in ${elapsed} ms${hint}`, models: [] };
  }
  if (!result.cards)
    return { ok: false, message: `${url.pathname} did not answer with an OpenAI model list`, models: [] };
  const models = result.cards.map((card) => card.id);
  const count = `${models.length} model${models.length === 1 ? '' : 's'}`;
  return { ok: true, message: `${count} in ${elapsed} ms${models.length ? `: ${models.join(', ')}` : ''}`, models };
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (isTimeout(error)) return `no answer within ${timeoutMs} ms`;
  const code = errorCode(error);
  if (code) return `cannot connect: ${code}`;
  return `cannot connect: ${(error as Error | undefined)?.message ?? 'unknown error'}`;
}
