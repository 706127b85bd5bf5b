// Watches the bytes of an OpenAI SSE response as they pass (it never changes them): finds each `data:` event, notes
// when tokens arrive and counts them. The count comes from the usage chunk when the client asked for one
// (stream_options.include_usage), otherwise from the content deltas.
import type { StreamTap, TokenListener } from './dialect';

/** @deprecated the dialect's name is TokenListener. */
export type TapListener = TokenListener;

const STREAM = { stream: true } as const;

export class SseTap implements StreamTap {
  private readonly decoder = new TextDecoder();
  private partial = '';
  private readonly dataLines: string[] = [];
  /** True between events: the bytes seen so far end exactly after a blank line (or nothing was seen). */
  atBoundary = true;
  deltaTokens = 0;
  usageTokens: number | null = null;
  firstEventAt: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly listener: TokenListener,
  ) {}

  push(chunk: Uint8Array): void {
    const text = this.partial + this.decoder.decode(chunk, STREAM);
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      let line = text.slice(start, newline);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.line(line);
      start = newline + 1;
    }
    this.partial = text.slice(start);
    this.atBoundary = this.partial === '' && this.dataLines.length === 0;
  }

  /** Output tokens of the response: the usage figure when there was one, else the counted deltas. */
  tokens(): number {
    return this.usageTokens ?? this.deltaTokens;
  }

  outputTokens(): number {
    return this.usageTokens ?? this.deltaTokens;
  }

  private line(line: string): void {
    if (line === '') {
      const lines = this.dataLines;
      if (lines.length === 1) this.event(lines[0]!);
      else if (lines.length > 1) this.event(lines.join('\n'));
      lines.length = 0;
      return;
    }
    if (line.startsWith('data:')) this.dataLines.push(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
  }

  private event(data: string): void {
    if (data === '[DONE]') return;
    const at = this.now();
    if (this.firstEventAt === null) this.firstEventAt = at;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
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
