// One keep-alive connection to a replica and the exchange (request and response) it carries at a time. The socket's
// listeners are set once, when it is made; each exchange is a small object the request path holds as its control, so
// an abort that comes late never touches the connection's next exchange.
import net from 'node:net';
import { ResponseParser } from './responseParser';
import type { UpstreamControl, UpstreamReceiver } from './transport';

/** What the connection tells its pool. */
export interface ConnectionOwner {
  /** The exchange ended cleanly and the connection may carry another one. */
  /** `keepAliveHintMs`: the server's `keep-alive: timeout`, -1 when it gave none. */
  release(connection: UpstreamConnection, keepAliveHintMs: number): void;
  /** The connection is closed (or closing) and must not be used again. */
  dropped(connection: UpstreamConnection): void;
}

export function upstreamError(code: string, message: string): Error {
  const error = new Error(message) as Error & { code: string };
  error.code = code;
  return error;
}

const now = () => performance.now();

/**
 * Every connection reads into this one buffer (node:net's `onread`): no allocation per read, no stream machinery. The
 * bytes are parsed at once, before the next read anywhere; what must outlive the read (body pieces) is copied.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class Exchange implements UpstreamControl {
  finished = false;
  paused = false;
  private timer: NodeJS.Timeout | null = null;
  private lastDataAt = 0;
  private readingBody = false;

  constructor(
    readonly receiver: UpstreamReceiver,
    readonly method: string,
    readonly request: Buffer,
    private readonly headersTimeout: number,
    private readonly bodyTimeout: number,
    public connection: UpstreamConnection | null = null,
  ) {}

  /** The request is on its way: the first-byte timeout runs. */
  sent(): void {
    if (this.headersTimeout > 0) this.timer = setTimeout(() => this.timedOut(), this.headersTimeout);
  }

  head(status: number, rawHeaders: Buffer[]): void {
    this.clearTimer();
    this.readingBody = true;
    if (this.bodyTimeout > 0) {
      this.lastDataAt = now();
      this.timer = setTimeout(() => this.timedOut(), this.bodyTimeout);
    }
    this.receiver.onHead(status, rawHeaders);
  }

  /** A body piece, a view into the shared read buffer: the receiver gets its own copy. */
  data(view: Buffer): void {
    if (this.finished) return;
    this.lastDataAt = now();
    const chunk = Buffer.allocUnsafe(view.length);
    view.copy(chunk, 0, 0, view.length);
    if (!this.receiver.onData(chunk) && !this.paused && !this.finished) {
      this.paused = true;
      this.connection?.socket.pause();
    }
  }

  complete(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimer();
    this.receiver.onEnd();
  }

  fail(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimer();
    this.receiver.onError(error);
  }

  abort(reason: Error): void {
    if (this.finished) return;
    this.connection?.destroy();
    this.fail(reason);
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.lastDataAt = now();
    if (!this.finished) this.connection?.socket.resume();
  }

  private timedOut(): void {
    this.timer = null;
    if (this.finished) return;
    if (this.readingBody) {
      // Idle time counts only while the replica could send: a paused socket waits for the client.
      const idle = now() - this.lastDataAt;
      if (this.paused || idle < this.bodyTimeout - 1) {
        this.timer = setTimeout(() => this.timedOut(), this.paused ? this.bodyTimeout : this.bodyTimeout - idle);
        return;
      }
      this.abort(upstreamError('UPSTREAM_BODY_TIMEOUT', 'no data within the idle timeout'));
    } else {
      this.abort(upstreamError('UPSTREAM_HEADERS_TIMEOUT', 'no response head within the first-byte timeout'));
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

export class UpstreamConnection {
  readonly socket: net.Socket;
  private readonly parser: ResponseParser;
  private exchange: Exchange | null = null;
  private connected = false;
  private connectTimer: NodeJS.Timeout | null = null;
  private gone = false;
  /** When an idle connection must not be used any more (ms, performance clock). */
  idleUntil = 0;

  constructor(
    private readonly owner: ConnectionOwner,
    host: string,
    port: number,
    connectTimeout: number,
  ) {
    this.parser = new ResponseParser({
      onHead: (status, raw) => this.exchange?.head(status, raw),
      onBody: (chunk) => this.exchange?.data(chunk),
      onComplete: () => this.exchange?.complete(),
    });
    this.socket = net.connect({
      host,
      port,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: 60_000,
      onread: { buffer: READ_BUFFER, callback: (size: number, buffer: Uint8Array) => this.onRead(size, buffer) },
    });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (error: Error) => this.onError(error));
    this.socket.on('close', () => this.onClose());
    if (connectTimeout > 0) {
      this.connectTimer = setTimeout(() => {
        this.connectTimer = null;
        this.exchange?.fail(upstreamError('UPSTREAM_CONNECT_TIMEOUT', 'connect timed out'));
        this.destroy();
      }, connectTimeout);
    }
  }

  /** Carries `exchange` (the connection is new or idle). */
  start(exchange: Exchange): void {
    this.exchange = exchange;
    exchange.connection = this;
    this.parser.start(exchange.method);
    this.socket.ref();
    if (this.connected) this.write(exchange);
  }

  destroy(): void {
    if (this.gone) return;
    this.gone = true;
    this.parser.stopped = true;
    this.clearConnectTimer();
    this.socket.destroy();
    this.owner.dropped(this);
  }

  private write(exchange: Exchange): void {
    this.socket.write(exchange.request);
    exchange.sent();
  }

  private onConnect(): void {
    this.connected = true;
    this.clearConnectTimer();
    if (this.exchange) this.write(this.exchange);
  }

  private onRead(size: number, buffer: Uint8Array): boolean {
    this.onData((buffer as Buffer).subarray(0, size));
    return true;
  }

  private onData(data: Buffer): void {
    const exchange = this.exchange;
    if (exchange === null || exchange.finished) {
      // Bytes nobody asked for (or after an abort): the connection's framing can no longer be trusted.
      this.destroy();
      return;
    }
    let leftover: number;
    try {
      leftover = this.parser.feed(data);
    } catch (error) {
      this.destroy();
      exchange.fail(error as Error);
      return;
    }
    if (!this.parser.done || this.exchange !== exchange) return;
    this.exchange = null;
    exchange.connection = null;
    // Reused only when the answer was read to its end, said nothing against it, and nothing is left to write or read.
    if (leftover === 0 && this.parser.keepAlive && !this.gone && this.socket.writableLength === 0) {
      if (exchange.paused) this.socket.resume();
      this.socket.unref();
      this.owner.release(this, this.parser.keepAliveHintMs);
    } else {
      this.destroy();
    }
  }

  private onEnd(): void {
    const exchange = this.exchange;
    if (exchange && !exchange.finished) {
      try {
        this.parser.finish();
      } catch {
        exchange.fail(upstreamError('UPSTREAM_CLOSED', 'the replica closed the connection'));
      }
    }
    this.exchange = null;
    this.destroy();
  }

  private onError(error: Error): void {
    const exchange = this.exchange;
    this.exchange = null;
    this.destroy();
    exchange?.fail(error);
  }

  private onClose(): void {
    const exchange = this.exchange;
    this.exchange = null;
    this.destroy();
    exchange?.fail(upstreamError('UPSTREAM_CLOSED', 'the replica closed the connection'));
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) {
      clearTimeout(this.connectTimer);
      this.connectTimer = null;
    }
  }
}
