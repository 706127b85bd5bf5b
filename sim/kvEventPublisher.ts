// Publishes the simulated engine's KV-cache events the way vLLM's ZmqEventPublisher does (--kv-events-config with
// publisher "zmq"): a PUB socket, each message three frames [topic, sequence as 8 bytes big-endian, payload], the
// payload a msgpack array [ts, events] whose events are tagged arrays: ["BlockStored", block_hashes,
// parent_block_hash, token_ids, block_size, lora_id, medium] and ["BlockRemoved", block_hashes, medium]. Events of
// one engine step go out as one batch. The sequence starts at 0 with each engine (a restarted replica).
import { encode } from '@msgpack/msgpack';
import type { KvCacheEvent } from './engine/kvCache';

interface ZmqPublisher {
  bind(endpoint: string): Promise<void>;
  send(frames: (Buffer | string)[]): Promise<void>;
  close(): void;
  readonly lastEndpoint: string | null;
}

export class KvEventPublisher {
  private sequence = 0n;
  private pending: unknown[] = [];
  private flushScheduled = false;
  private sending: Promise<void> = Promise.resolve();

  private constructor(
    private readonly socket: ZmqPublisher,
    readonly endpoint: string,
    private readonly topic: string,
    private readonly blockSize: number,
  ) {}

  /** Binds tcp://host:port (port 0: any free port; `endpoint` tells which). Needs the optional zeromq package. */
  static async start(host: string, port: number, topic: string, blockSize: number): Promise<KvEventPublisher> {
    const name = 'zeromq';
    const zmq = (await import(name)) as { Publisher: new () => ZmqPublisher };
    const socket = new zmq.Publisher();
    const wildcard = host.includes(':') ? `[${host}]` : host;
    await socket.bind(`tcp://${wildcard}:${port === 0 ? '*' : port}`);
    return new KvEventPublisher(socket, socket.lastEndpoint ?? '', topic, blockSize);
  }

  /** A new engine: numbering starts again at 0, the way a restarted vLLM's publisher does. */
  restart(): void {
    this.sequence = 0n;
    this.pending = [];
  }

  record(event: KvCacheEvent): void {
    this.pending.push(
      event.kind === 'stored'
        ? ['BlockStored', [event.hash], event.parent ?? null, [...event.tokenIds], this.blockSize, null, 'GPU']
        : ['BlockRemoved', [event.hash], 'GPU'],
    );
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  close(): void {
    this.socket.close();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const payload = encode([Date.now() / 1000, this.pending]);
    this.pending = [];
    const sequence = Buffer.alloc(8);
    sequence.writeBigUInt64BE(this.sequence);
    this.sequence += 1n;
    const frames = [Buffer.from(this.topic), sequence, Buffer.from(payload)];
    // zeromq allows one send at a time per socket: chain them.
    this.sending = this.sending.then(() => this.socket.send(frames)).catch(() => undefined);
  }
}
