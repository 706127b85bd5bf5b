// Where an answer goes: the client's response, behind a small interface so the request path can be driven by a fake
// in unit tests. The node:http sink listens to its response with shared functions (no closures per request).
import type { ServerResponse } from 'node:http';

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

export class NodeResponseSink implements ResponseSink {
  gone = false;
  private listener: SinkListener | null = null;
  private corked = false;
  private waitingDrain = false;

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
    if (flush) this.res.flushHeaders();
    else if (hold) {
      this.res.cork();
      this.corked = true;
    }
  }

  write(chunk: Uint8Array): boolean {
    const ok = this.res.write(chunk);
    if (!ok && !this.waitingDrain) {
      this.waitingDrain = true;
      this.res.once('drain', onDrain);
    }
    return ok;
  }

  end(text?: string): void {
    if (text === undefined) this.res.end();
    else this.res.end(text);
    this.uncork();
  }

  destroy(): void {
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

  private uncork(): void {
    if (this.corked) {
      this.corked = false;
      this.res.uncork();
    }
  }
}
