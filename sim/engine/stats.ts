// What the engine has done, in the units of vLLM's V1 metrics (seconds, tokens, counts).

export class Histogram {
  readonly counts: number[];
  count = 0;
  sum = 0;

  constructor(readonly buckets: readonly number[]) {
    this.counts = new Array(buckets.length).fill(0);
  }

  observe(value: number): void {
    this.count++;
    this.sum += value;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]!++;
  }
}

// Bucket bounds of vllm/v1/metrics/loggers.py (reference vllm.md §2.2).
export const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560,
];
export const ITL_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
];
export const REQUEST_LATENCY_BUCKETS = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
];

export type FinishedReason = 'stop' | 'length' | 'abort';

export class EngineStats {
  /** Unix seconds when these counters started (the `_created` series). */
  readonly createdUnix = Date.now() / 1000;
  prefixCacheQueries = 0;
  prefixCacheHits = 0;
  promptTokens = 0;
  generationTokens = 0;
  preemptions = 0;
  steps = 0;
  /** Adapters put into a GPU LoRA slot (not a vLLM metric: the simulator's own count, for tests and benches). */
  loraSwaps = 0;
  readonly finished: Record<FinishedReason, number> = { stop: 0, length: 0, abort: 0 };
  readonly ttft = new Histogram(TTFT_BUCKETS);
  readonly interTokenLatency = new Histogram(ITL_BUCKETS);
  readonly e2eLatency = new Histogram(REQUEST_LATENCY_BUCKETS);
}
