// The one incremental parser of a text/event-stream (the WHATWG "server-sent events" format), for every reader of a
// stream: the sidecar's stream taps on the proxied bytes, the extension's admin-event follower and chat client, the
// benchmarks. Feed it chunks as they arrive (bytes or text, cut anywhere: inside a line, inside a UTF-8 character,
// between the CR and LF of a CRLF), get back each complete message. Comments (lines starting with ':') and unknown
// fields are ignored; a message without `data:` lines is not dispatched.

export interface SseMessage {
  /** The `event:` field, 'message' when the message had none. */
  event: string;
  /** The `data:` lines joined by newlines. */
  data: string;
  id?: string;
}

const STREAM = { stream: true } as const;
const LF = 10;

export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  /** A line of the current message was read (a field or a comment) and no blank line has ended it yet. */
  private inMessage = false;

  /** The text read so far ends between two messages (or nothing was read): bytes appended now start a new one. */
  get atBoundary(): boolean {
    return this.buffer === '' && !this.inMessage;
  }

  /** Feeds a chunk of the stream; returns the messages it completed. */
  push(chunk: string | Uint8Array): SseMessage[] {
    const text = this.buffer + (typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, STREAM));
    const messages: SseMessage[] = [];
    let start = 0;
    let cr = text.indexOf('\r');
    for (;;) {
      const lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
        if (cr === text.length - 1) break;
        end = cr;
        next = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else break;
      const message = this.line(text.slice(start, end));
      if (message) messages.push(message);
      start = next;
    }
    this.buffer = start === 0 ? text : text.slice(start);
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    this.inMessage = true;
    if (line.charCodeAt(0) === 58 /* : */) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const message: SseMessage | undefined =
      this.data.length === 0
        ? undefined
        : { event: this.event || 'message', data: this.data.length === 1 ? this.data[0]! : this.data.join('\n') };
    if (message && this.id !== undefined) message.id = this.id;
    this.event = '';
    this.data = [];
    this.inMessage = false;
    return message;
  }
}

/** The parsed JSON object of a message's data; undefined for anything else (a non-JSON keep-alive, `[DONE]`). */
export function messageJson(data: string): Record<string, unknown> | undefined {
  let first = 0;
  while (first < data.length && (data.charCodeAt(first) === 32 || data.charCodeAt(first) === 9)) first++;
  if (data.charCodeAt(first) !== 123 /* { */) return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
