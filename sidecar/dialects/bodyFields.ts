// Small readers for untrusted JSON bodies and request headers, shared by the dialects: they never throw.
import type { RequestHeaders } from './dialect';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A header's first value, by lower-case name (Node lower-cases incoming names; other callers may not). */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name) value = headers[key];
  }
  return Array.isArray(value) ? value[0] : value;
}

/** The first of the named headers that is set and not empty. */
export function firstHeader(headers: RequestHeaders, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = nonEmptyString(headerValue(headers, name)?.trim());
    if (value !== undefined) return value;
  }
  return undefined;
}

/** usage.output_tokens of a non-streamed answer body (Anthropic Message, OpenAI Response); null when it has none. */
export function usageOutputTokens(body: unknown): number | null {
  if (!isRecord(body) || !isRecord(body['usage'])) return null;
  const tokens = body['usage']['output_tokens'];
  return typeof tokens === 'number' ? tokens : null;
}
