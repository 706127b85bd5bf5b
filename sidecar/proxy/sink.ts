// Where an answer goes: the client's response, behind a small interface so the request path can be driven by a fake
// in unit tests. The node:http sink listens to its response with shared functions (no closures per request).
// An event stream to an HTTP/1.1 client skips node:http's write path once the head is out: each piece is framed as
// one chunk in one buffer and written to the socket, the pieces of one tick corked together (never held longer).
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface SinkListener {
  /** The client went away before the answer was complete. */
  onClientGone(): void;
  /** A write that returned false has drained. */
  onDrain(): void;
}

export interface ResponseSink {
  readonly headersSent: boolean;
  /** The client went away before the answer was complete. */
  readonly gone: boolean;
  /** The one listener (the attempt under way), or null. */
  listen(listener: SinkListener | null): void;
  /** The head, with headers as a flat [name, value, ...] list. `hold` keeps a small answer for one write. */
  head(status: number, headers: string[], flush: boolean, hold: boolean): void;
  /** False when the client's buffer is full: wait for onDrain. */
  write(chunk: Uint8Array): boolean;
  end(text?: string): void;
  /** Cuts the client's connection (an answer that cannot be completed). */
  destroy(): void;
}

const kSink = Symbol('vllm-pools.sink');
type Tagged = ServerResponse & { [kSink]?: NodeResponseSink };

function onClose(this: Tagged): void {
  this[kSink]?.closed();
}

function onDrain(this: Tagged): void {
  this[kSink]?.drained();
}

function onSocketDrain(this: Socket & { [kSink]?: NodeResponseSink }): void {
  const sink = this[kSink];
  this[kSink] = undefined;
  sink?.drained();
}

function uncorkSocket(sink: NodeResponseSink): void {
  sink.uncorkSocket();
}

const CRLF = 0x0a0d;

/** `hex(size) CRLF data CRLF` in one buffer. */
function framed(chunk: Uint8Array): Buffer {
  const size = chunk.length.toString(16);
  const out = Buffer.allocUnsafe(size.length + chunk.length + 4);
  out.write(size, 0, 'latin1');
  out.writeUInt16LE(CRLF, size.length);
  out.set(chunk, size.length + 2);
  out.writeUInt16LE(CRLF, size.length + 2 + chunk.length);
  return out;
}

/** The response's socket when writing chunks to it directly keeps HTTP framing and order, else null. */
function directSocket(res: ServerResponse): Socket | null {
  const internal = res as ServerResponse & { chunkedEncoding?: boolean; _hasBody?: boolean; outputSize?: number };
  const socket = res.socket;
  if (socket === null || !res.headersSent || internal.chunkedEncoding !== true || internal._hasBody === false)
    return null;
  if (internal.outputSize !== 0 || socket.destroyed) return null;
  return socket;
}

export class NodeResponseSink implements ResponseSink {
  gone = false;
  private listener: SinkListener | null = null;
  private corked = false;
  private waitingDrain = false;
  /** The client's socket while chunks go to it directly (event streams), else null. */
  private socket: Socket | null = null;
  private socketCorked = false;

  constructor(private readonly res: ServerResponse) {
    (res as Tagged)[kSink] = this;
    res.on('close', onClose);
  }

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  listen(listener: SinkListener | null): void {
    this.listener = listener;
  }

  head(status: number, headers: string[], flush: boolean, hold: boolean): void {
    this.res.writeHead(status, headers);
    if (flush) {
      this.res.flushHeaders();
      this.socket = directSocket(this.res);
    } else if (hold) {
      this.res.cork();
      this.corked = true;
    }
  }

  write(chunk: Uint8Array): boolean {
    const socket = this.socket;
    if (socket !== null && chunk.length > 0 && !socket.destroyed) {
      if (!this.socketCorked) {
        this.socketCorked = true;
        socket.cork();
        process.nextTick(uncorkSocket, this);
      }
      const ok = socket.write(framed(chunk));
      if (!ok && !this.waitingDrain) {
        this.waitingDrain = true;
        (socket as Socket & { [kSink]?: NodeResponseSink })[kSink] = this;
        socket.once('drain', onSocketDrain);
      }
      return ok;
    }
    const ok = this.res.write(chunk);
    if (!ok && !this.waitingDrain) {
      this.waitingDrain = true;
      this.res.once('drain', onDrain);
    }
    return ok;
  }

  end(text?: string): void {
    this.uncorkSocket();
    this.socket = null;
    if (text === undefined) this.res.end();
    else this.res.end(text);
    this.uncork();
  }

  destroy(): void {
    this.uncorkSocket();
    this.socket = null;
    this.uncork();
    this.res.destroy();
  }

  /** Stops listening to the response (the request is over). */
  detach(): void {
    this.listener = null;
    this.res.off('close', onClose);
    (this.res as Tagged)[kSink] = undefined;
  }

  closed(): void {
    if (this.res.writableFinished) return;
    this.gone = true;
    this.listener?.onClientGone();
  }

  drained(): void {
    this.waitingDrain = false;
    this.listener?.onDrain();
  }

  uncorkSocket(): void {
    if (this.socketCorked) {
      this.socketCorked = false;
      this.socket?.uncork();
    }
  }

  private uncork(): void {
    if (this.corked) {
      this.corked = false;
      this.res.uncork();
    }
  }
}
