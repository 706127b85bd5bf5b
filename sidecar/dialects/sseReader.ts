// Reads server-sent events out of a byte stream as it passes, whatever the chunk boundaries: UTF-8 split across
// chunks, lines split across chunks, LF or CRLF line ends. Each complete event is handed over with its `event:` name
// (null when the event had none) and its `data:` lines joined by newlines; comments and other fields are skipped.

export interface SseEvent {
  event: string | null;
  data: string;
}

export class SseReader {
  private readonly decoder = new TextDecoder();
  private partial = '';
  private eventName: string | null = null;
  private dataLines: string[] = [];
  private inEvent = false;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  /** The bytes read so far end between two events (or nothing was read). */
  get atBoundary(): boolean {
    return this.partial === '' && !this.inEvent;
  }

  push(chunk: Uint8Array): void {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.line(text.slice(start, end));
      start = newline + 1;
    }
    this.partial = text.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.dataLines.length > 0) this.onEvent({ event: this.eventName, data: this.dataLines.join('\n') });
      this.eventName = null;
      this.dataLines = [];
      this.inEvent = false;
      return;
    }
    this.inEvent = true;
    if (line.startsWith('data:')) this.dataLines.push(fieldValue(line, 5));
    else if (line.startsWith('event:')) this.eventName = fieldValue(line, 6);
  }
}

function fieldValue(line: string, nameLength: number): string {
  return line.slice(line.charCodeAt(nameLength) === 32 ? nameLength + 1 : nameLength);
}

/** The parsed JSON object of an event's data; undefined for anything else (a non-JSON keep-alive, `[DONE]`). */
export function eventJson(data: string): Record<string, unknown> | undefined {
  let first = 0;
  while (first < data.length && (data.charCodeAt(first) === 32 || data.charCodeAt(first) === 9)) first++;
  if (data.charCodeAt(first) !== 123) return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
