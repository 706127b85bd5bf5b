// Which chat models VS Code is offered: every model of every pool in the sidecar's state snapshot, with context
// sizes from the endpoint's /v1/models cards (vLLM's max_model_len) when known. No vscode import.
import type { StateSnapshot } from '../../core/protocol';
import type { ModelCard } from './chatClient';

/** Structurally a vscode.LanguageModelChatInformation. */
export interface ChatModelInfo {
  id: string;
  name: string;
  family: string;
  version: string;
  tooltip: string;
  detail: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  capabilities: { imageInput: boolean; toolCalling: boolean };
  /** The pool that serves the model (for logs and messages). */
  pool: string;
}

/** Context length assumed when no replica reported max_model_len. */
export const DEFAULT_CONTEXT_TOKENS = 8192;
const MAX_OUTPUT_TOKENS = 4096;

/** Output budget: a quarter of the context, at most 4096; the rest is input. */
export function tokenBudget(contextTokens: number): { maxInputTokens: number; maxOutputTokens: number } {
  const maxOutputTokens = Math.max(1, Math.min(MAX_OUTPUT_TOKENS, Math.floor(contextTokens / 4)));
  return { maxInputTokens: Math.max(1, contextTokens - maxOutputTokens), maxOutputTokens };
}

export function buildModelCatalog(snapshot: StateSnapshot | undefined, cards: readonly ModelCard[]): ChatModelInfo[] {
  const contextOf = new Map<string, number>();
  for (const card of cards) if (typeof card.max_model_len === 'number') contextOf.set(card.id, card.max_model_len);
  const seen = new Set<string>();
  const models: ChatModelInfo[] = [];
  const add = (id: string, pool: string, healthy: number, total: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    const context = contextOf.get(id) ?? DEFAULT_CONTEXT_TOKENS;
    const health = total === 0 ? 'no replicas' : healthy === 0 ? 'no healthy replica' : `${healthy}/${total} healthy`;
    models.push({
      id,
      name: id,
      family: id,
      version: pool,
      tooltip: `${id}, served by the vLLM pool "${pool}" through the local vLLM Pools endpoint (${context} tokens of context)`,
      detail: `vLLM pool ${pool} · ${health}`,
      ...tokenBudget(context),
      capabilities: { imageInput: false, toolCalling: true },
      pool,
    });
  };
  for (const pool of snapshot?.pools ?? []) {
    const ids = new Set([...pool.models, ...pool.replicas.flatMap((replica) => replica.models)]);
    for (const id of ids) add(id, pool.name, pool.healthy, pool.total);
  }
  // Models the endpoint lists that the snapshot did not (an older snapshot): still offered.
  for (const card of cards) add(card.id, card.owned_by === 'vllm-pools' ? 'configured' : 'sidecar', 1, 1);
  return models;
}

/** Changes when the offered models (or their pools' availability) change: the provider fires its event then. */
export function catalogKey(snapshot: StateSnapshot | undefined): string {
  if (!snapshot) return '';
  return snapshot.pools
    .map((pool) => {
      const ids = [...new Set([...pool.models, ...pool.replicas.flatMap((replica) => replica.models)])].sort();
      return `${pool.name}:${pool.healthy > 0 ? 'up' : 'down'}:${ids.join(',')}`;
    })
    .join('|');
}
