// The Responses API store of one replica: what vLLM keeps in its API server's memory with
// VLLM_ENABLE_RESPONSES_API_STORE=1 (the response, and the chat messages its prompt was built from, for
// previous_response_id). vLLM never evicts; the simulator keeps the newest MAX_STORED so long benches stay bounded.

export type ChatMessage = Record<string, unknown>;

export interface StoredResponse {
  response: Record<string, unknown>;
  /** The messages the prompt was rendered from (instructions excluded), in order. */
  messages: ChatMessage[];
  /** Stops a background response still running. */
  cancel?: () => void;
}

export const MAX_STORED = 10_000;

export class ResponseStore {
  private readonly entries = new Map<string, StoredResponse>();

  get size(): number {
    return this.entries.size;
  }

  get(id: string): StoredResponse | undefined {
    return this.entries.get(id);
  }

  put(id: string, entry: StoredResponse): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > MAX_STORED) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  delete(id: string): boolean {
    return this.entries.delete(id);
  }
}
