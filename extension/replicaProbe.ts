// Checks that a URL is an OpenAI-compatible server (vLLM) by asking its /v1/models. No vscode import.
import { errorCode } from './http/client';
import { fetchModelList, modelsUrl } from './http/modelList';

export async function fetchModelIds(
  baseUrl: string,
  apiKey?: string,
  timeoutMs = 5000,
): Promise<{ models: string[] } | { error: string }> {
  try {
    const result = await fetchModelList(modelsUrl(baseUrl), { token: apiKey, timeoutMs });
    if (!result.ok && (result.status === 401 || result.status === 403)) {
      return { error: `it asks for an API key (HTTP ${result.status}); add it, then use Set API Key` };
    }
    if (!result.ok) return { error: `HTTP ${result.status}` };
    if (!result.cards) return { error: 'the answer is not an OpenAI model list' };
    return { models: result.cards.map((card) => card.id) };
  } catch (error) {
    return { error: errorCode(error) ?? (error instanceof Error ? error.message : String(error)) };
  }
}
