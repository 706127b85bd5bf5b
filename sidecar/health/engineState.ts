// Successive /metrics samples of one replica -> EngineState (with a prefix-cache hit rate between the last two
// scrapes, and staleness after twice the scrape interval).

import type { EngineState } from '../../core/protocol';
import type { LoraActivity } from '../balancer/types';
import type { Clock } from '../pool/clock';
import type { EngineSample } from './engineMetricsParser';

export class EngineTracker {
  private last: { sample: EngineSample; at: number } | undefined;
  private hitRate: number | null = null;
  private readonly residentAdapters: string[] = [];
  private readMs: number | undefined;

  constructor(
    private readonly clock: Clock,
    private intervalMs: number,
  ) {}

  setInterval(intervalMs: number): void {
    this.intervalMs = intervalMs;
  }

  record(sample: EngineSample): void {
    const previous = this.last?.sample;
    if (
      previous &&
      sample.prefixQueries !== null &&
      sample.prefixHits !== null &&
      previous.prefixQueries !== null &&
      previous.prefixHits !== null
    ) {
      const queries = sample.prefixQueries - previous.prefixQueries;
      const hits = sample.prefixHits - previous.prefixHits;
      // A counter that went down means the replica restarted: keep the last rate rather than invent one.
      if (queries > 0 && hits >= 0) this.hitRate = Math.min(1, hits / queries);
      else if (queries === 0) this.hitRate = null;
    }
    if (sample.lora) this.noteRunningAdapters(sample.lora.running, sample.lora.maxLora);
    this.last = { sample, at: this.clock.now() };
  }

  /** Duration of a /metrics read (ms), answered or not: kept as a moving average (weight 0.3 per read). */
  recordReadTime(ms: number): void {
    this.readMs = this.readMs === undefined ? ms : this.readMs + 0.3 * (ms - this.readMs);
  }

  /** How long recent /metrics reads took (ms); undefined before the first. */
  readTime(): number | undefined {
    return this.readMs;
  }

  /** The engine's LoRA slots as an LRU over scrapes: what ran last stays resident until newer adapters push it out. */
  private noteRunningAdapters(running: readonly string[], maxLora: number): void {
    for (const adapter of running) {
      const at = this.residentAdapters.indexOf(adapter);
      if (at >= 0) this.residentAdapters.splice(at, 1);
      this.residentAdapters.push(adapter);
    }
    if (this.residentAdapters.length > maxLora) this.residentAdapters.splice(0, this.residentAdapters.length - maxLora);
  }

  /** KV-cache capacity in tokens the replica last published (vllm:cache_config_info), undefined if it never did. */
  cacheTokens(): number | undefined {
    return this.last?.sample.cacheTokens ?? undefined;
  }

  /** The engine's cumulative prefix-cache counters at the last scrape, undefined when it does not publish them. */
  prefixCounters(): { queries: number; hits: number } | undefined {
    const sample = this.last?.sample;
    if (!sample || sample.prefixQueries === null || sample.prefixHits === null) return undefined;
    return { queries: sample.prefixQueries, hits: sample.prefixHits };
  }

  /** The LoRA state of the last scrape, undefined when it is stale or the replica does not publish it. */
  lora(): LoraActivity | undefined {
    const state = this.state();
    const lora = state && !state.stale ? this.last?.sample.lora : undefined;
    return lora && this.residentAdapters.length > 0 ? { ...lora, resident: [...this.residentAdapters] } : lora;
  }

  state(): EngineState | null {
    if (!this.last) return null;
    const { sample, at } = this.last;
    return {
      running: sample.running,
      waiting: sample.waiting,
      kvCacheUsage: sample.kvCacheUsage,
      prefixCacheHitRate: this.hitRate,
      scrapedAt: at,
      stale: this.clock.now() - at > 2 * this.intervalMs,
      ...(sample.lora
        ? {
            lora: {
              running: [...sample.lora.running],
              waiting: [...sample.lora.waiting],
              maxLora: sample.lora.maxLora,
            },
          }
        : {}),
    };
  }
}
