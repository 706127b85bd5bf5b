// What prefix-aware sees of a replica whose KV events it follows: whether the state is in sync, how many leading
// blocks of a token sequence the replica holds, and the replica's tokenizer to turn a prompt into those tokens.
import type { KvEventsConfig } from '../../core/config/types';
import type { ExactCacheView } from '../balancer/types';
import { type KvEventLog, KvEventSubscriber } from './kvEventSubscriber';
import { ReplicaTokenizer } from './replicaTokenizer';

export class ExactCache implements ExactCacheView {
  readonly subscriber: KvEventSubscriber;
  private readonly tokenizer: ReplicaTokenizer;

  constructor(
    readonly config: KvEventsConfig,
    replicaUrl: string,
    replicaName: string,
    log: KvEventLog,
  ) {
    this.subscriber = new KvEventSubscriber(config, log, replicaName);
    this.tokenizer = new ReplicaTokenizer(replicaUrl);
  }

  get known(): boolean {
    return this.subscriber.blocks.isKnown && this.subscriber.blocks.blockSize !== undefined;
  }

  get blockSize(): number | undefined {
    return this.subscriber.blocks.blockSize;
  }

  matchedBlocks(tokenIds: readonly number[]): number {
    return this.subscriber.blocks.matchedBlocks(tokenIds);
  }

  tokenIds(body: Record<string, unknown>): Promise<number[] | undefined> {
    return this.tokenizer.tokenIds(body);
  }

  start(): void {
    void this.subscriber.start();
  }

  stop(): void {
    this.subscriber.stop();
  }
}
