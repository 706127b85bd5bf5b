// Follows one replica's KV-event stream (ZMQ SUB, multipart [topic, sequence, payload]) into its CachedBlocks.
// Sequence 0 is a fresh publisher (an engine that just started): the state starts known and empty. A gap in the
// sequence, or a lost connection, makes the state unknown until the engine clears its cache or restarts; meanwhile
// prefix-aware uses its approximate index for this replica.
import type { KvEventsConfig } from '../../core/config/types';
import { CachedBlocks } from './cachedBlocks';
import { decodeKvEventBatch, decodeSequence } from './kvEventBatch';
import { loadZmq, type ZmqSubscriber } from './zmqLoader';

export interface KvEventLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export class KvEventSubscriber {
  readonly blocks = new CachedBlocks();
  /** Why the stream is not followed (zeromq missing), for diagnostics. */
  error: string | undefined;
  /** Messages applied, and gaps seen (lost messages). */
  messages = 0;
  gaps = 0;
  private socket: ZmqSubscriber | undefined;
  private lastSequence: bigint | undefined;
  private stopped = false;

  constructor(
    readonly config: KvEventsConfig,
    private readonly log: KvEventLog,
    private readonly replicaName: string,
  ) {}

  async start(): Promise<void> {
    let zmq: Awaited<ReturnType<typeof loadZmq>>;
    try {
      zmq = await loadZmq();
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this.log.warn('kv events unavailable', { replica: this.replicaName, error: this.error });
      return;
    }
    if (this.stopped) return;
    const socket = new zmq.Subscriber();
    this.socket = socket;
    socket.events.on('disconnect', () => this.lose());
    socket.connect(this.config.endpoint);
    socket.subscribe(this.config.topic);
    void this.follow(socket);
  }

  stop(): void {
    this.stopped = true;
    const socket = this.socket;
    this.socket = undefined;
    if (socket && !socket.closed) socket.close();
  }

  /** Applies one multipart message; exported for tests through the class. */
  handle(frames: readonly Uint8Array[]): void {
    if (frames.length < 3) return;
    const sequence = decodeSequence(frames[frames.length - 2]!);
    const batch = decodeKvEventBatch(frames[frames.length - 1]!);
    if (sequence === 0n) this.blocks.reset();
    else if (this.lastSequence !== undefined && sequence !== this.lastSequence + 1n) {
      this.gaps += 1;
      this.blocks.lose();
    }
    this.lastSequence = sequence;
    this.blocks.apply(batch.events);
    this.messages += 1;
  }

  private lose(): void {
    this.lastSequence = undefined;
    this.blocks.lose();
  }

  private async follow(socket: ZmqSubscriber): Promise<void> {
    while (!this.stopped && !socket.closed) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch {
        return; // closed
      }
      try {
        this.handle(frames);
      } catch (error) {
        this.lose();
        this.log.warn('bad kv event message', {
          replica: this.replicaName,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}
