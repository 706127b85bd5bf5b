// Watches an Anthropic Messages stream as it passes, never changing it: each content_block_delta that carries output
// (text_delta, input_json_delta, thinking_delta; not signature_delta) is a token event; the output token count is the
// last message_delta's usage.output_tokens (cumulative, per Anthropic's streaming docs), else the counted deltas.

import { messageJson, type SseMessage } from '../../core/sse/parser';
import { isRecord } from './bodyFields';
import type { TokenListener } from './dialect';
import { SseStreamTap } from './sseStreamTap';

const OUTPUT_FIELD: ReadonlyMap<string, string> = new Map([
  ['text_delta', 'text'],
  ['input_json_delta', 'partial_json'],
  ['thinking_delta', 'thinking'],
]);

export class AnthropicStreamTap extends SseStreamTap {
  private deltas = 0;
  private usageOutput: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly listener: TokenListener,
  ) {
    super();
  }

  outputTokens(): number {
    return this.usageOutput ?? this.deltas;
  }

  protected message(sse: SseMessage): void {
    const data = messageJson(sse.data);
    if (!data) return;
    const type = typeof data['type'] === 'string' ? data['type'] : sse.event;
    if (type === 'content_block_delta') {
      const delta = data['delta'];
      if (!isRecord(delta) || typeof delta['type'] !== 'string') return;
      const field = OUTPUT_FIELD.get(delta['type']);
      const value = field === undefined ? undefined : delta[field];
      if (typeof value === 'string' && value.length > 0) {
        this.deltas += 1;
        this.listener.onTokens(1, this.now());
      }
    } else if (type === 'message_delta') {
      const usage = data['usage'];
      if (isRecord(usage) && typeof usage['output_tokens'] === 'number') this.usageOutput = usage['output_tokens'];
    }
  }
}
