// Token ids of a request's prompt, from the replica's own tokenizer (vLLM's POST /tokenize, which takes the chat
// `messages` and applies the model's chat template, or a completions `prompt`): the only faithful way to compare a
// prompt with the blocks the engine holds, since the sidecar has no tokenizer. One call per request, answers cached
// by body (a retry or a second pick costs nothing); a slow or failing /tokenize just means no exact match.
/** How long a pick waits for /tokenize before routing on the approximate index. */
export const TOKENIZE_TIMEOUT_MS = 500;
const CACHE_ENTRIES = 256;

export class ReplicaTokenizer {
  private readonly cache = new Map<string, number[]>();

  constructor(private readonly baseUrl: string) {}

  async tokenIds(body: Record<string, unknown>): Promise<number[] | undefined> {
    const key = JSON.stringify(body);
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    let ids: number[] | undefined;
    try {
      const response = await fetch(`${this.baseUrl}/tokenize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: key,
        signal: AbortSignal.timeout(TOKENIZE_TIMEOUT_MS),
      });
      if (!response.ok) return undefined;
      const answer = (await response.json()) as { tokens?: unknown };
      if (Array.isArray(answer.tokens) && answer.tokens.every((t) => typeof t === 'number')) ids = answer.tokens;
    } catch {
      return undefined;
    }
    if (!ids) return undefined;
    this.cache.set(key, ids);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    return ids;
  }
}
