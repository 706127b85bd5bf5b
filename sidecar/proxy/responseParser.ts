// A strict, incremental HTTP/1.1 response parser for the lean upstream transport: feed it the bytes a socket reads
// (cut anywhere), it calls back with the final head (raw [name, value, ...] buffers), each body piece (views into the
// bytes it was given, no copies) and the end. Bodies by content-length, chunked transfer-encoding (extensions and
// trailers read and dropped) or until the connection closes; 1xx heads skipped; HEAD, 204 and 304 without a body.
// Anything it does not understand is an error: the connection is then unusable.

export interface ResponseEvents {
  onHead(status: number, rawHeaders: Buffer[]): void;
  /** A piece of the body; the parser goes on with the bytes it holds whatever this returns. */
  onBody(chunk: Buffer): void;
  onComplete(): void;
}

export class ResponseParseError extends Error {
  readonly code = 'UPSTREAM_PARSE_ERROR';
}

/** Longest head (status line and headers) accepted, and longest chunk-size or trailer line. */
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 16 * 1024;
/** 13 hex digits: any size that fits a double exactly. */
const MAX_CHUNK_SIZE_DIGITS = 13;

enum State {
  Idle,
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

const CR = 13;
const LF = 10;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/** Token characters of a header name (RFC 9110 tchar). */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TCHAR[c] = 1;
for (let c = 65; c <= 90; c++) TCHAR[c] = 1;
for (let c = 97; c <= 122; c++) TCHAR[c] = 1;

function fail(message: string): never {
  throw new ResponseParseError(`invalid upstream response: ${message}`);
}

/** ASCII case-insensitive comparison of a header name with a lower-case constant. */
function nameIs(name: Buffer, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) if ((name[i]! | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

export class ResponseParser {
  private state = State.Idle;
  private noBody = false;
  /** Head or line bytes read so far, when they came in more than one piece. */
  private pending: Buffer | null = null;
  private remaining = 0;
  /** The answer allows the connection to carry another request. */
  keepAlive = false;
  /** The server's keep-alive hint (`keep-alive: timeout=N`), ms; -1 when it gave none. */
  keepAliveHintMs = -1;
  /** Set by the owner to stop a feed between callbacks (the exchange was aborted). */
  stopped = false;
  private lineBytes: Buffer = Buffer.alloc(0);
  private lineStart = 0;
  private lineEnd = 0;

  constructor(private readonly events: ResponseEvents) {}

  /** Expects the response to a request with `method`. */
  start(method: string): void {
    this.state = State.Head;
    this.noBody = method === 'HEAD';
    this.pending = null;
    this.keepAlive = false;
    this.keepAliveHintMs = -1;
    this.stopped = false;
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** True while the head has not been read completely. */
  get awaitingHead(): boolean {
    return this.state === State.Head;
  }

  /**
   * Parses `data`. Returns how many bytes were left over after the response completed (0 normally); throws a
   * ResponseParseError on malformed input.
   */
  feed(data: Buffer): number {
    let at = 0;
    while (at < data.length && !this.stopped) {
      switch (this.state) {
        case State.Head:
          at = this.readHead(data, at);
          break;
        case State.Length: {
          const n = Math.min(this.remaining, data.length - at);
          this.remaining -= n;
          const piece = n === data.length ? data : data.subarray(at, at + n);
          at += n;
          this.events.onBody(piece);
          if (this.remaining === 0 && !this.stopped) this.complete();
          break;
        }
        case State.ChunkSize:
          at = this.readChunkSize(data, at);
          break;
        case State.ChunkData: {
          const n = Math.min(this.remaining, data.length - at);
          this.remaining -= n;
          const piece = data.subarray(at, at + n);
          at += n;
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          this.events.onBody(piece);
          break;
        }
        case State.ChunkDataEnd:
          at = this.readChunkDataEnd(data, at);
          break;
        case State.Trailers:
          at = this.readTrailers(data, at);
          break;
        case State.UntilClose:
          this.events.onBody(at === 0 ? data : data.subarray(at));
          at = data.length;
          break;
        case State.Done:
          return data.length - at;
        case State.Idle:
          fail('data without a request');
      }
    }
    return this.state === State.Done ? data.length - at : 0;
  }

  /** The connection closed: completes a close-delimited body; anything else unfinished is an error. */
  finish(): void {
    if (this.state === State.UntilClose) {
      this.complete();
      return;
    }
    if (this.state !== State.Done) fail('connection closed before the response was complete');
  }

  private complete(): void {
    this.state = State.Done;
    this.pending = null;
    this.events.onComplete();
  }

  /** Joins held bytes with new ones (a head or line cut across reads). */
  private joined(data: Buffer, at: number): Buffer {
    const rest = at === 0 ? data : data.subarray(at);
    return this.pending === null ? rest : Buffer.concat([this.pending, rest]);
  }

  private readHead(data: Buffer, at: number): number {
    const held = this.pending?.length ?? 0;
    const buffer = this.joined(data, at);
    const end = buffer.indexOf(HEAD_END, Math.max(0, held - 3));
    if (end < 0) {
      if (buffer.length > MAX_HEAD_BYTES) fail('head too large');
      this.pending = held === 0 ? Buffer.from(buffer) : buffer;
      return data.length;
    }
    if (end + 4 > MAX_HEAD_BYTES) fail('head too large');
    this.pending = null;
    const consumed = at + (end + 4 - held);
    // The head's header views outlive this read: they get bytes of their own.
    this.parseHead(held === 0 ? Buffer.from(buffer.subarray(0, end + 4)) : buffer, end);
    return consumed;
  }

  private parseHead(buffer: Buffer, end: number): void {
    // Status line: HTTP/1.x SP 3DIGIT [SP reason]
    let lineEnd = buffer.indexOf(CR);
    if (lineEnd > end || buffer[lineEnd + 1] !== LF) fail('bad status line');
    if (
      lineEnd < 12 ||
      buffer.toString('latin1', 0, 7) !== 'HTTP/1.' ||
      (buffer[7] !== 49 && buffer[7] !== 48) ||
      buffer[8] !== 32
    ) {
      fail('bad status line');
    }
    const http11 = buffer[7] === 49;
    let status = 0;
    for (let i = 9; i < 12; i++) {
      const digit = buffer[i]! - 48;
      if (digit < 0 || digit > 9) fail('bad status code');
      status = status * 10 + digit;
    }
    if (status < 100 || (lineEnd > 12 && buffer[12] !== 32)) fail('bad status line');
    for (let i = 13; i < lineEnd; i++) if (buffer[i]! < 32 && buffer[i] !== 9) fail('control character in reason');

    const raw: Buffer[] = [];
    let contentLength = -1;
    let chunked = false;
    let transferEncoding = false;
    let close = !http11;
    let keepAliveToken = false;
    let start = lineEnd + 2;
    while (start < end + 2) {
      lineEnd = buffer.indexOf(CR, start);
      if (buffer[lineEnd + 1] !== LF) fail('bare CR in head');
      const colon = buffer.indexOf(58, start);
      if (colon < 0 || colon > lineEnd || colon === start) fail('header line without a name');
      for (let i = start; i < colon; i++) if (TCHAR[buffer[i]!] === 0) fail('bad character in header name');
      let valueStart = colon + 1;
      let valueEnd = lineEnd;
      while (valueStart < valueEnd && (buffer[valueStart] === 32 || buffer[valueStart] === 9)) valueStart++;
      while (valueEnd > valueStart && (buffer[valueEnd - 1] === 32 || buffer[valueEnd - 1] === 9)) valueEnd--;
      for (let i = valueStart; i < valueEnd; i++) {
        const c = buffer[i]!;
        if ((c < 32 && c !== 9) || c === 127) fail('control character in header value');
      }
      const name = buffer.subarray(start, colon);
      const value = buffer.subarray(valueStart, valueEnd);
      raw.push(name, value);
      if (nameIs(name, 'content-length')) {
        const length = parseLength(value);
        if (contentLength >= 0 && contentLength !== length) fail('conflicting content-length');
        contentLength = length;
      } else if (nameIs(name, 'transfer-encoding')) {
        transferEncoding = true;
        // Chunked only when it is the final coding; otherwise the body runs until the connection closes.
        const codings = value.toString('latin1').split(',');
        chunked = codings[codings.length - 1]!.trim().toLowerCase() === 'chunked';
      } else if (nameIs(name, 'connection')) {
        for (const token of value.toString('latin1').toLowerCase().split(',')) {
          const t = token.trim();
          if (t === 'close') close = true;
          else if (t === 'keep-alive') keepAliveToken = true;
        }
      } else if (nameIs(name, 'keep-alive')) {
        const match = /timeout\s*=\s*(\d+)/i.exec(value.toString('latin1'));
        if (match) this.keepAliveHintMs = Number(match[1]) * 1000;
      }
      start = lineEnd + 2;
    }
    if (transferEncoding && contentLength >= 0) fail('both content-length and transfer-encoding');

    if (status < 200) {
      if (status === 101) fail('unexpected protocol switch');
      // An interim answer (100 Continue, 103 Early Hints): the final head follows.
      this.keepAliveHintMs = -1;
      return;
    }
    this.events.onHead(status, raw);
    if (this.stopped) return;
    if (this.noBody || status === 204 || status === 304) {
      this.keepAlive = !close && (http11 || keepAliveToken);
      this.complete();
    } else if (chunked) {
      this.keepAlive = !close && http11;
      this.state = State.ChunkSize;
    } else if (transferEncoding || contentLength < 0) {
      this.keepAlive = false;
      this.state = State.UntilClose;
    } else {
      this.keepAlive = !close && (http11 || keepAliveToken);
      this.remaining = contentLength;
      if (contentLength === 0) this.complete();
      else this.state = State.Length;
    }
  }

  /**
   * Reads one CRLF-ended line into `lineBytes[lineStart, lineEnd)` (no copy unless it was cut across reads); returns
   * the offset after it in `data`, or -1 while it is incomplete (bytes held).
   */
  private line(data: Buffer, at: number): number {
    const lf = data.indexOf(LF, at);
    if (lf < 0) {
      const rest = this.joined(data, at);
      if (rest.length > MAX_LINE_BYTES) fail('line too long');
      this.pending = this.pending === null ? Buffer.from(rest) : rest;
      return -1;
    }
    if (this.pending === null) {
      this.lineBytes = data;
      this.lineStart = at;
      this.lineEnd = lf - 1;
    } else {
      this.lineBytes = Buffer.concat([this.pending, data.subarray(at, lf + 1)]);
      this.pending = null;
      this.lineStart = 0;
      this.lineEnd = this.lineBytes.length - 2;
    }
    if (this.lineEnd - this.lineStart > MAX_LINE_BYTES) fail('line too long');
    if (this.lineEnd < this.lineStart || this.lineBytes[this.lineEnd] !== CR) fail('line not ended by CRLF');
    return lf + 1;
  }

  private readChunkSize(data: Buffer, at: number): number {
    const next = this.line(data, at);
    if (next < 0) return data.length;
    const line = this.lineBytes;
    const end = this.lineEnd;
    let size = 0;
    let i = this.lineStart;
    for (; i < end; i++) {
      const digit = hexValue(line[i]!);
      if (digit < 0) break;
      if (i - this.lineStart >= MAX_CHUNK_SIZE_DIGITS) fail('chunk too large');
      size = size * 16 + digit;
    }
    if (i === this.lineStart) fail('bad chunk size');
    // Optional whitespace, then extensions (";name[=value]"), which are dropped.
    while (i < end && (line[i] === 32 || line[i] === 9)) i++;
    if (i < end && line[i] !== 59) fail('bad chunk size');
    for (; i < end; i++) if ((line[i]! < 32 && line[i] !== 9) || line[i] === 127) fail('bad chunk extension');
    if (size === 0) this.state = State.Trailers;
    else {
      this.remaining = size;
      this.state = State.ChunkData;
    }
    return next;
  }

  private readChunkDataEnd(data: Buffer, at: number): number {
    // The usual case: CRLF right there.
    if (this.pending === null && at + 1 < data.length) {
      if (data[at] !== CR || data[at + 1] !== LF) fail('chunk longer than its size');
      this.state = State.ChunkSize;
      return at + 2;
    }
    const next = this.line(data, at);
    if (next < 0) return data.length;
    if (this.lineEnd !== this.lineStart) fail('chunk longer than its size');
    this.state = State.ChunkSize;
    return next;
  }

  private readTrailers(data: Buffer, at: number): number {
    const next = this.line(data, at);
    if (next < 0) return data.length;
    const line = this.lineBytes;
    if (this.lineEnd === this.lineStart) {
      this.complete();
      return next;
    }
    const colon = line.indexOf(58, this.lineStart);
    if (colon <= this.lineStart || colon >= this.lineEnd) fail('bad trailer');
    for (let i = this.lineStart; i < colon; i++) if (TCHAR[line[i]!] === 0) fail('bad trailer');
    return next;
  }
}

function parseLength(value: Buffer): number {
  if (value.length === 0 || value.length > 15) fail('bad content-length');
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const digit = value[i]! - 48;
    if (digit < 0 || digit > 9) fail('bad content-length');
    n = n * 10 + digit;
  }
  return n;
}
