// Watches the bytes of an OpenAI SSE response as they pass (it never changes them): for each `data:` event, notes when
// tokens arrive and counts them. The count comes from the usage chunk when the client asked for one
// (stream_options.include_usage), otherwise from the content deltas.
import { messageJson, type SseMessage } from '../../core/sse/parser';
import type { TokenListener } from './dialect';
import { SseStreamTap } from './sseStreamTap';

/** @deprecated the dialect's name is TokenListener. */
export type TapListener = TokenListener;

export class SseTap extends SseStreamTap {
  deltaTokens = 0;
  usageTokens: number | null = null;
  firstEventAt: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly listener: TokenListener,
  ) {
    super();
  }

  /** Output tokens of the response: the usage figure when there was one, else the counted deltas. */
  tokens(): number {
    return this.usageTokens ?? this.deltaTokens;
  }

  outputTokens(): number {
    return this.usageTokens ?? this.deltaTokens;
  }

  protected message({ data }: SseMessage): void {
    if (data === '[DONE]') return;
    const at = this.now();
    if (this.firstEventAt === null) this.firstEventAt = at;
    const parsed = messageJson(data);
    if (!parsed) return;
    const usage = (parsed as { usage?: { completion_tokens?: unknown } }).usage;
    if (usage && typeof usage.completion_tokens === 'number') this.usageTokens = usage.completion_tokens;
    const choices = (parsed as { choices?: unknown }).choices;
    if (!Array.isArray(choices)) return;
    let count = 0;
    for (const choice of choices) if (carriesOutput(choice)) count += 1;
    if (count > 0) {
      this.deltaTokens += count;
      this.listener.onTokens(count, at);
    }
  }
}

function carriesOutput(choice: unknown): boolean {
  if (typeof choice !== 'object' || choice === null) return false;
  const { delta, text } = choice as { delta?: Record<string, unknown>; text?: unknown };
  if (typeof text === 'string' && text.length > 0) return true;
  if (!delta) return false;
  return (
    (typeof delta['content'] === 'string' && delta['content'].length > 0) ||
    (typeof delta['reasoning_content'] === 'string' && delta['reasoning_content'].length > 0) ||
    (Array.isArray(delta['tool_calls']) && delta['tool_calls'].length > 0)
  );
}

/** completion_tokens from a non-streamed JSON body, when it is there. */
export function usageTokensOf(body: string): number | null {
  return completionTokensIn(body);
}

const KEY = '"completion_tokens"';

/**
 * The value of the last `"completion_tokens": N` key in JSON text, without parsing the document: a key can only be a
 * key there (inside a JSON string its quotes would be escaped), and usage comes last in OpenAI answers.
 */
export function completionTokensIn(text: string | Buffer): number | null {
  let at = text.lastIndexOf(KEY);
  if (at < 0) return null;
  at += KEY.length;
  const code = (i: number) => (typeof text === 'string' ? text.charCodeAt(i) : (text[i] ?? -1));
  while (isSpace(code(at))) at++;
  if (code(at) !== 58 /* : */) return null;
  at++;
  while (isSpace(code(at))) at++;
  let value = 0;
  let digits = 0;
  for (let c = code(at); c >= 48 && c <= 57; c = code(++at)) {
    value = value * 10 + (c - 48);
    digits++;
  }
  return digits > 0 && digits < 16 ? value : null;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
