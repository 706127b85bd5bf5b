// GET /admin/events: a Server-Sent Events stream with `event: state` (a snapshot at least once a second) and
// `event: request` (each finished request). Slow clients are dropped rather than buffered without bound.
import type { ServerResponse } from 'node:http';
import { type AdminEventMap, type AdminEventName, formatAdminEvent } from '../../core/admin/events';
import type { RequestEvent, StateSnapshot } from '../../core/protocol';

const STATE_EVERY_MS = 900;
/** A client this far behind (bytes queued in its socket) is disconnected. */
const MAX_BUFFERED = 8 * 1024 * 1024;

export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly snapshot: () => StateSnapshot) {}

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopTimer();
    });
    this.send(res, 'state', this.snapshot());
    if (!this.timer) {
      this.timer = setInterval(() => this.broadcastState(), STATE_EVERY_MS);
      this.timer.unref();
    }
  }

  request(event: RequestEvent): void {
    if (this.clients.size === 0) return;
    for (const client of this.clients) this.send(client, 'request', event);
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    this.stopTimer();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private broadcastState(): void {
    if (this.clients.size === 0) return;
    const snapshot = this.snapshot();
    for (const client of this.clients) this.send(client, 'state', snapshot);
  }

  private send<K extends AdminEventName>(res: ServerResponse, event: K, data: AdminEventMap[K]): void {
    if (res.writableLength > MAX_BUFFERED) {
      res.destroy();
      return;
    }
    res.write(formatAdminEvent(event, data));
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
