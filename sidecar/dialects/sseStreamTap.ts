// What every dialect's stream tap shares: the passing bytes go through core/sse's parser and each complete message to
// the dialect's own reader; whether the bytes end between two messages (for a failure tail) is the parser's answer.
import { type SseMessage, SseParser } from '../../core/sse/parser';
import type { StreamTap } from './dialect';

export abstract class SseStreamTap implements StreamTap {
  private readonly parser = new SseParser();

  get atBoundary(): boolean {
    return this.parser.atBoundary;
  }

  push(chunk: Uint8Array): void {
    for (const message of this.parser.push(chunk)) this.message(message);
  }

  abstract outputTokens(): number;

  /** One complete SSE message of the stream, in order. */
  protected abstract message(message: SseMessage): void;
}
