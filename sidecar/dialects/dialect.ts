// A dialect is one client protocol the sidecar speaks on its routes: OpenAI (chat, completions, embeddings and the
// catch-all), OpenAI Responses, Anthropic Messages. The request path is the same for all of them; what differs is
// here: how a body reads for the balancers, how its stream is watched, and how an error is told to the caller.
import type { RoutedRequest } from '../balancer/types';

export type DialectId = 'openai' | 'openai-responses' | 'anthropic';

export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Told of each event of a stream that carries output: `count` tokens (or deltas) arrived at `at` (epoch ms). */
export interface TokenListener {
  onTokens(count: number, at: number): void;
}

/** Watches a streamed answer's bytes as they pass to the client; never changes them. */
export interface StreamTap {
  push(chunk: Uint8Array): void;
  /** The bytes seen so far end between two events, so a closing event can be appended cleanly. */
  readonly atBoundary: boolean;
  /** Output tokens: the protocol's final usage figure when the stream carried one, else the counted deltas. */
  outputTokens(): number;
}

export interface DialectError {
  status: number;
  contentType: string;
  body: string;
}

export interface Dialect {
  readonly id: DialectId;
  /**
   * What the balancers may know: the prompt rendered (when a balancer reads it) in the order the engine's chat
   * template renders it. `path` is the upstream path: some paths of a dialect run no prefill (fillsCache false).
   */
  routedRequest(body: Record<string, unknown>, headers: RequestHeaders, path?: string): RoutedRequest;
  /** The body asks for a streamed (SSE) answer. */
  isStream(body: Record<string, unknown>): boolean;
  streamTap(now: () => number, listener: TokenListener): StreamTap;
  /** Output tokens of a non-streamed answer's parsed body; null when it reports none. */
  usageTokens(body: unknown): number | null;
  /**
   * Optional, cheaper: the same figure read from the raw JSON bytes without parsing them. When a dialect has it, the
   * request path never parses an answer's body; otherwise it parses the body (up to 256 KiB) for `usageTokens`.
   */
  usageTokensOfText?(text: string | Buffer): number | null;
  /** The id of what a non-streamed answer created and the replica keeps (a stored Response), if this protocol has one. */
  createdId?(body: unknown): string | undefined;
  /** An error the sidecar answers itself, in this protocol's shape (the message is scrubbed of secrets). */
  error(status: number, message: string, type?: string): DialectError;
  /** The bytes that end a stream whose upstream failed after the first byte, in this protocol's own terms. */
  streamFailureTail(message: string): string;
}
