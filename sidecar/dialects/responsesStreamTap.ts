// Watches an OpenAI Responses stream (`event: response.output_text.delta` ...) as it passes, never changing it: each
// output delta (text, function-call arguments, reasoning, refusal) is a token event for time to first token and token
// gaps; the output token count is the final response's usage.output_tokens (response.completed, or .incomplete /
// .failed), else the counted deltas. The response id of response.created is reported, for response-id affinity.

import { messageJson, type SseMessage } from '../../core/sse/parser';
import { isRecord } from './bodyFields';
import type { TokenListener } from './dialect';
import { responsesFailureTail } from './responsesErrors';
import { SseStreamTap } from './sseStreamTap';

/** A token listener that also wants the id of the response the stream creates. */
export interface ResponseIdListener extends TokenListener {
  onResponseId?(id: string): void;
}

const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export class ResponsesStreamTap extends SseStreamTap {
  private deltas = 0;
  private usageOutput: number | null = null;
  private lastSequence = -1;
  private model: string | undefined;
  private createdAt: number | undefined;
  /** The id of the response this stream creates, once its first lifecycle event passed. */
  responseId: string | undefined;

  constructor(
    private readonly now: () => number,
    private readonly listener: ResponseIdListener,
  ) {
    super();
  }

  outputTokens(): number {
    return this.usageOutput ?? this.deltas;
  }

  /** The closing events for a stream whose upstream failed now, naming this stream's response and next sequence. */
  failureTail(message: string): string {
    return responsesFailureTail(message, {
      responseId: this.responseId,
      model: this.model,
      createdAt: this.createdAt,
      sequenceNumber: this.lastSequence + 1,
    });
  }

  protected message(sse: SseMessage): void {
    const data = messageJson(sse.data);
    if (!data) return;
    const type = typeof data['type'] === 'string' ? data['type'] : sse.event;
    if (typeof data['sequence_number'] === 'number') this.lastSequence = data['sequence_number'];
    if (type.endsWith('.delta')) {
      const delta = data['delta'];
      if (typeof delta === 'string' && delta.length > 0) {
        this.deltas += 1;
        this.listener.onTokens(1, this.now());
      }
      return;
    }
    const response = data['response'];
    if (!type.startsWith('response.') || !isRecord(response)) return;
    if (this.responseId === undefined && typeof response['id'] === 'string' && response['id'].length > 0) {
      this.responseId = response['id'];
      if (typeof response['model'] === 'string') this.model = response['model'];
      if (typeof response['created_at'] === 'number') this.createdAt = response['created_at'];
      this.listener.onResponseId?.(this.responseId);
    }
    if (FINAL_EVENTS.has(type)) {
      const usage = response['usage'];
      if (isRecord(usage) && typeof usage['output_tokens'] === 'number') this.usageOutput = usage['output_tokens'];
    }
  }
}
