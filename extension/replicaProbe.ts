// Checks that a URL is an OpenAI-compatible server (vLLM) by asking its /v1/models. No vscode import.
import { errorCode } from './http/client';
import { fetchModelList, type ModelCard, modelsUrl } from './http/modelList';

/**
 * The models of a replica as a person reads them: base models by id, each LoRA adapter with its base model
 * ("sql-lora (LoRA adapter on Qwen/Qwen3-0.6B)"). Add Replica reports these.
 */
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
    return { models: result.cards.map(describeModel) };
  } catch (error) {
    return { error: errorCode(error) ?? (error instanceof Error ? error.message : String(error)) };
  }
}

function describeModel(card: ModelCard): string {
  return typeof card.parent === 'string' && card.parent !== card.id
    ? `${card.id} (LoRA adapter on ${card.parent})`
    : card.id;
}
