// /metrics in the Prometheus text format of vLLM's V1 engine (names, help, types, labels: reference vllm.md §2).
import type { Engine } from './engine/engine';
import type { Histogram } from './engine/stats';
import type { SimProfile } from './profiles';
import type { ServedModels } from './servedModels';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** prometheus_client's float formatting: Python repr, with Go's earlier switch to exponents. */
export function formatValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  const repr = Number.isInteger(value) && Math.abs(value) < 1e16 ? `${value}.0` : String(value);
  const dot = repr.indexOf('.');
  if (value > 0 && dot > 6 && !repr.includes('e')) {
    const mantissa = `${repr[0]}.${repr.slice(1, dot)}${repr.slice(dot + 1)}`.replace(/[0.]+$/, '');
    return `${mantissa}e+0${dot - 1}`;
  }
  return repr;
}

function labelText(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  const escaped = keys.map(
    (k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return `{${escaped.join(',')}}`;
}

class Exposition {
  private readonly lines: string[] = [];

  constructor(
    private readonly base: Record<string, string>,
    private readonly createdUnix: number,
  ) {}

  family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  sample(name: string, value: number, extra: Record<string, string> = {}): void {
    this.raw(name, value, { ...this.base, ...extra });
  }

  /** A sample with exactly these labels (info metrics do not carry model_name). */
  raw(name: string, value: number, labels: Record<string, string>): void {
    this.lines.push(`${name}${labelText(labels)} ${formatValue(value)}`);
  }

  gauge(name: string, help: string, value: number): void {
    this.family(name, 'gauge', help);
    this.sample(name, value);
  }

  /** A counter as prometheus_client writes it: `NAME_total`, then its `NAME_created` gauge family. */
  counter(name: string, help: string, values: Array<[Record<string, string>, number]>): void {
    this.family(`${name}_total`, 'counter', help);
    for (const [labels, value] of values) this.sample(`${name}_total`, value, labels);
    this.created(
      name,
      help,
      values.map(([labels]) => labels),
    );
  }

  private created(name: string, help: string, labelSets: Array<Record<string, string>>): void {
    this.family(`${name}_created`, 'gauge', help);
    for (const labels of labelSets) this.sample(`${name}_created`, this.createdUnix, labels);
  }

  histogram(name: string, help: string, histogram: Histogram): void {
    this.family(name, 'histogram', help);
    histogram.buckets.forEach((le, i) => {
      this.sample(`${name}_bucket`, histogram.counts[i]!, { le: formatValue(le) });
    });
    this.sample(`${name}_bucket`, histogram.count, { le: '+Inf' });
    this.sample(`${name}_count`, histogram.count);
    this.sample(`${name}_sum`, histogram.sum);
    this.created(name, help, [{}]);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** `models` or just the served name; LoRA adds vllm:lora_requests_info (labels only: it is not per model). */
export function renderMetrics(engine: Engine, models: ServedModels | string, profile: SimProfile): string {
  const stats = engine.stats;
  const model = typeof models === 'string' ? models : models.primary;
  const out = new Exposition({ engine: '0', model_name: model }, stats.createdUnix);
  out.gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', engine.numRunning);
  out.gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', engine.numWaiting);
  out.gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', engine.kvUsage);
  out.counter('vllm:prefix_cache_queries', 'Prefix cache queries, in terms of number of queried tokens.', [
    [{}, stats.prefixCacheQueries],
  ]);
  out.counter('vllm:prefix_cache_hits', 'Prefix cache hits, in terms of number of cached tokens.', [
    [{}, stats.prefixCacheHits],
  ]);
  out.counter('vllm:num_preemptions', 'Cumulative number of preemption from the engine.', [[{}, stats.preemptions]]);
  out.counter('vllm:prompt_tokens', 'Number of prefill tokens processed.', [[{}, stats.promptTokens]]);
  out.counter('vllm:generation_tokens', 'Number of generation tokens processed.', [[{}, stats.generationTokens]]);
  out.counter(
    'vllm:request_success',
    'Count of successfully processed requests.',
    (['stop', 'length', 'abort'] as const).map((reason) => [{ finished_reason: reason }, stats.finished[reason]]),
  );
  out.histogram('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', stats.ttft);
  out.histogram(
    'vllm:inter_token_latency_seconds',
    'Histogram of inter-token latency in seconds.',
    stats.interTokenLatency,
  );
  out.histogram('vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.', stats.e2eLatency);
  out.family('vllm:cache_config_info', 'gauge', 'Information of the LLMEngine CacheConfig');
  out.raw('vllm:cache_config_info', 1, {
    engine: '0',
    block_size: String(profile.blockSize),
    cache_dtype: 'auto',
    enable_prefix_caching: 'True',
    gpu_memory_utilization: '0.9',
    num_gpu_blocks: String(profile.numGpuBlocks),
    prefix_caching_hash_algo: 'sha256',
  });
  if (typeof models !== 'string' && models.loraEnabled) {
    // vLLM sets it to the current time at each stats update; adapters comma-joined.
    const adapters = engine.loraAdapters();
    out.family('vllm:lora_requests_info', 'gauge', 'Running stats on lora requests.');
    out.raw('vllm:lora_requests_info', Date.now() / 1000, {
      max_lora: String(models.maxLoras),
      running_lora_adapters: adapters.running.join(','),
      waiting_lora_adapters: adapters.waiting.join(','),
    });
  }
  return out.text();
}
