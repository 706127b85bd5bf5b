// A replica's keep-alive connections for the lean transport: idle connections are reused (the most recently used
// first), a new one is opened when none is idle, a connection that failed or closed is dropped. Idle connections
// expire before the server's own keep-alive limit (its `keep-alive: timeout=N` hint less a second, else 30 s) and are
// unref'd, so they never hold the process open.

import type { UpstreamControl, UpstreamReceiver } from './transport';
import { type ConnectionOwner, Exchange, UpstreamConnection, upstreamError } from './upstreamConnection';

/** Idle lifetime without a server hint, and the longest one whatever the hint says (as the undici pool had). */
const IDLE_MS = 30_000;
const IDLE_MAX_MS = 600_000;
/** Margin under the server's hint: its timer and ours do not start at the same instant. */
const HINT_MARGIN_MS = 1000;
const SWEEP_MS = 1000;

export class UpstreamSockets implements ConnectionOwner {
  private readonly idle: UpstreamConnection[] = [];
  private readonly open = new Set<UpstreamConnection>();
  private sweeper: NodeJS.Timeout | null = null;
  private closing = false;
  private readonly host: string;
  private readonly port: number;
  /** The `host` header of every request: the replica URL's host and port as written. */
  readonly hostHeader: string;

  /** `origin`: an http: URL (https replicas are not served by this transport). */
  constructor(
    origin: URL,
    private readonly connectTimeout: number,
  ) {
    this.host = origin.hostname.startsWith('[') ? origin.hostname.slice(1, -1) : origin.hostname;
    this.port = origin.port === '' ? 80 : Number(origin.port);
    this.hostHeader = origin.host;
  }

  /** Connections open now (idle or busy). */
  get size(): number {
    return this.open.size;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  send(
    method: string,
    request: Buffer,
    receiver: UpstreamReceiver,
    headersTimeout: number,
    bodyTimeout: number,
  ): UpstreamControl {
    const exchange = new Exchange(receiver, method, request, headersTimeout, bodyTimeout);
    if (this.closing) {
      exchange.fail(upstreamError('UPSTREAM_CLOSED', 'the replica was removed'));
      return exchange;
    }
    const at = performance.now();
    let connection = this.idle.pop();
    while (connection !== undefined && connection.idleUntil <= at) {
      connection.destroy();
      connection = this.idle.pop();
    }
    if (connection === undefined) {
      connection = new UpstreamConnection(this, this.host, this.port, this.connectTimeout);
      this.open.add(connection);
    }
    connection.start(exchange);
    return exchange;
  }

  release(connection: UpstreamConnection, keepAliveHintMs: number): void {
    const lifetime = keepAliveHintMs >= 0 ? Math.min(keepAliveHintMs - HINT_MARGIN_MS, IDLE_MAX_MS) : IDLE_MS;
    if (this.closing || lifetime <= 0) {
      connection.destroy();
      return;
    }
    connection.idleUntil = performance.now() + lifetime;
    this.idle.push(connection);
    if (this.sweeper === null) {
      this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
      this.sweeper.unref();
    }
  }

  dropped(connection: UpstreamConnection): void {
    this.open.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
  }

  /** No new exchanges; idle connections close now, busy ones when their exchange ends. */
  close(): void {
    this.closing = true;
    for (const connection of [...this.idle]) connection.destroy();
    this.stopSweeper();
  }

  /** Closes every connection, busy ones too (their exchanges fail). */
  destroy(): void {
    this.closing = true;
    for (const connection of [...this.open]) connection.destroy();
    this.stopSweeper();
  }

  private sweep(): void {
    const at = performance.now();
    for (const connection of this.idle.filter((c) => c.idleUntil <= at)) connection.destroy();
    if (this.idle.length === 0) this.stopSweeper();
  }

  private stopSweeper(): void {
    if (this.sweeper !== null) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }
}
