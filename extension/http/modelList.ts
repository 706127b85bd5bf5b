// GET /v1/models, the OpenAI model list: of the sidecar (chat models, Connect an AI Tool) and of a replica (Add
// Replica, the config editor's Test connection). One reader; each caller words the outcome its own way.
import { type HttpResponse, httpRequest } from './client';

export interface ModelCard {
  id: string;
  max_model_len?: number;
  owned_by?: string;
  /** vLLM: the base model of a LoRA adapter; null for a base model. */
  parent?: string | null;
}

export type ModelListResult =
  /** cards: undefined when the 200 answer is not an OpenAI model list. */
  | { ok: true; cards: ModelCard[] | undefined }
  | { ok: false; status: number; text: string; headers: HttpResponse['headers'] };

/** The models URL of a base URL that may or may not end with /v1 (query and fragment dropped). */
export function modelsUrl(baseUrl: string): URL {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = `${path.endsWith('/v1') ? path : `${path}/v1`}/models`;
  url.search = '';
  url.hash = '';
  return url;
}

/** Fetches a model list; connection failures and timeouts are thrown as undici reports them. */
export async function fetchModelList(
  url: URL | string,
  options: { token?: string | undefined; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ModelListResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const response = await httpRequest(String(url), {
    headers: { accept: 'application/json' },
    token: options.token,
    timeoutMs,
    signal: options.signal ?? AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (response.status !== 200) return { ok: false, status: response.status, text, headers: response.headers };
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return { ok: true, cards: undefined };
  }
  const data = (list as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return { ok: true, cards: undefined };
  return {
    ok: true,
    cards: data.filter(
      (card): card is ModelCard =>
        typeof card === 'object' && card !== null && typeof (card as ModelCard).id === 'string',
    ),
  };
}
