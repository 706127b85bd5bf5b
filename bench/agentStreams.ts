// Reads one SSE message of an answer stream, per agent protocol, for the load generator's timings: does it carry
// output (time to first token, gaps), the output token count from the final usage, the stream's proper end, an error.
// - chat: content deltas; usage.completion_tokens in the usage chunk; `data: [DONE]` ends it.
// - responses: `response.*.delta` events with a non-empty delta; usage.output_tokens in response.completed (or
//   .incomplete, what a max_output_tokens cap gives); response.failed or `error` is an error.
// - messages: content_block_delta with text (or tool input / thinking); usage.output_tokens of message_delta;
//   message_stop ends it; `event: error` is an error.
import { messageJson, type SseMessage } from '../core/sse/parser';
import type { AgentProtocol } from './agentWire';

export interface StreamReading {
  output: boolean;
  /** Output tokens as the stream's usage reports them (cumulative), when this message carries them. */
  usageTokens?: number;
  /** The protocol's end of a complete answer. */
  done: boolean;
  error?: string;
}

const NOTHING: StreamReading = { output: false, done: false };
const CONTENT = /"content":"[^"]/;

export function readStreamMessage(protocol: AgentProtocol, message: SseMessage): StreamReading {
  if (protocol === 'chat') return readChat(message.data);
  const json = messageJson(message.data);
  if (!json) return NOTHING;
  const type = typeof json['type'] === 'string' ? json['type'] : message.event;
  return protocol === 'responses' ? readResponses(type, json) : readMessages(type, json);
}

function readChat(data: string): StreamReading {
  if (data === '[DONE]') return { output: false, done: true };
  const reading: StreamReading = { output: CONTENT.test(data), done: false };
  if (data.includes('"error"')) reading.error = data.slice(0, 200);
  const usage = /"completion_tokens":(\d+)/.exec(data);
  if (usage && data.includes('"usage":{')) reading.usageTokens = Number(usage[1]);
  return reading;
}

function readResponses(type: string, json: Record<string, unknown>): StreamReading {
  if (type.endsWith('.delta'))
    return { output: typeof json['delta'] === 'string' && json['delta'] !== '', done: false };
  if (type === 'response.completed' || type === 'response.incomplete') {
    const tokens = usageTokens(record(json['response'])?.['usage']);
    return { output: false, done: true, ...(tokens === undefined ? {} : { usageTokens: tokens }) };
  }
  if (type === 'response.failed' || type === 'error') return { output: false, done: false, error: errorText(json) };
  return NOTHING;
}

const OUTPUT_FIELDS: Record<string, string> = {
  text_delta: 'text',
  input_json_delta: 'partial_json',
  thinking_delta: 'thinking',
};

function readMessages(type: string, json: Record<string, unknown>): StreamReading {
  if (type === 'content_block_delta') {
    const delta = record(json['delta']);
    const field = typeof delta?.['type'] === 'string' ? OUTPUT_FIELDS[delta['type']] : undefined;
    const value = field === undefined ? undefined : delta?.[field];
    return { output: typeof value === 'string' && value !== '', done: false };
  }
  if (type === 'message_delta') {
    const tokens = usageTokens(json['usage']);
    return tokens === undefined ? NOTHING : { output: false, done: false, usageTokens: tokens };
  }
  if (type === 'message_stop') return { output: false, done: true };
  if (type === 'error') return { output: false, done: false, error: errorText(json) };
  return NOTHING;
}

function usageTokens(usage: unknown): number | undefined {
  const tokens = record(usage)?.['output_tokens'];
  return typeof tokens === 'number' ? tokens : undefined;
}

function errorText(json: Record<string, unknown>): string {
  return JSON.stringify(json['error'] ?? record(json['response'])?.['error'] ?? json).slice(0, 200);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
