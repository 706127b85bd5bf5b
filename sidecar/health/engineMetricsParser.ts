// Reads the few vLLM engine figures a router needs out of a Prometheus text exposition, summing over label sets
// (one series per engine/model). Names per vLLM V1; `vllm:gpu_cache_usage_perc` is the V0 name of the KV-cache gauge.
import type { LoraActivity } from '../balancer/types';
import { LORA_INFO, LoraInfoReader } from './loraRequestsInfo';

export interface EngineSample {
  running: number;
  waiting: number;
  kvCacheUsage: number;
  prefixQueries: number | null;
  prefixHits: number | null;
  /** KV-cache capacity in tokens: num_gpu_blocks × block_size of vllm:cache_config_info (summed over engines). */
  cacheTokens?: number | null;
  /** vllm:lora_requests_info (the latest series), undefined when not published. */
  lora?: LoraActivity | undefined;
}

const WANTED = new Set([
  'vllm:num_requests_running',
  'vllm:num_requests_waiting',
  'vllm:kv_cache_usage_perc',
  'vllm:gpu_cache_usage_perc',
  'vllm:prefix_cache_queries_total',
  'vllm:prefix_cache_hits_total',
  'vllm:gpu_prefix_cache_queries_total',
  'vllm:gpu_prefix_cache_hits_total',
]);

/** The engine figures, or undefined when the text has neither running nor waiting (not a vLLM /metrics). */
export function parseEngineMetrics(text: string): EngineSample | undefined {
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  let cacheTokens: number | null = null;
  const lora = new LoraInfoReader();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const nameEnd = firstOf(line, '{', ' ');
    if (nameEnd <= 0) continue;
    const name = line.slice(0, nameEnd);
    if (name === CACHE_CONFIG) {
      const tokens = cacheConfigTokens(line.slice(nameEnd));
      if (tokens !== undefined) cacheTokens = (cacheTokens ?? 0) + tokens;
      continue;
    }
    if (name === LORA_INFO) {
      readLoraSeries(line.slice(nameEnd), lora);
      continue;
    }
    if (!WANTED.has(name)) continue;
    let rest = line.slice(nameEnd);
    if (rest.startsWith('{')) {
      const close = closingBrace(rest);
      if (close < 0) continue;
      rest = rest.slice(close + 1);
    }
    const value = Number(rest.trim().split(/\s+/)[0]);
    if (!Number.isFinite(value)) continue;
    sums.set(name, (sums.get(name) ?? 0) + value);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  if (!sums.has('vllm:num_requests_running') && !sums.has('vllm:num_requests_waiting')) return undefined;
  const kvName = sums.has('vllm:kv_cache_usage_perc') ? 'vllm:kv_cache_usage_perc' : 'vllm:gpu_cache_usage_perc';
  // A fraction per engine: average over engines rather than sum, so it stays within 0..1.
  const kv = sums.has(kvName) ? sums.get(kvName)! / counts.get(kvName)! : 0;
  const queries = sums.get('vllm:prefix_cache_queries_total') ?? sums.get('vllm:gpu_prefix_cache_queries_total');
  const hits = sums.get('vllm:prefix_cache_hits_total') ?? sums.get('vllm:gpu_prefix_cache_hits_total');
  return {
    running: sums.get('vllm:num_requests_running') ?? 0,
    waiting: sums.get('vllm:num_requests_waiting') ?? 0,
    kvCacheUsage: kv,
    prefixQueries: queries ?? null,
    prefixHits: hits ?? null,
    cacheTokens,
    lora: lora.activity(),
  };
}

function readLoraSeries(rest: string, reader: LoraInfoReader): void {
  if (!rest.startsWith('{')) return;
  const close = closingBrace(rest);
  if (close < 0) return;
  reader.add(
    rest.slice(1, close),
    Number(
      rest
        .slice(close + 1)
        .trim()
        .split(/\s+/)[0],
    ),
  );
}

const CACHE_CONFIG = 'vllm:cache_config_info';

/** num_gpu_blocks × block_size from the labels of one vllm:cache_config_info series, if both are positive numbers. */
function cacheConfigTokens(rest: string): number | undefined {
  if (!rest.startsWith('{')) return undefined;
  const close = closingBrace(rest);
  if (close < 0) return undefined;
  const labels = rest.slice(1, close);
  const label = (key: string): number => {
    const match = new RegExp(`(?:^|,)\\s*${key}="([^"]*)"`).exec(labels);
    return match ? Number(match[1]) : Number.NaN;
  };
  const tokens = label('num_gpu_blocks') * label('block_size');
  return Number.isFinite(tokens) && tokens > 0 ? tokens : undefined;
}

function firstOf(line: string, a: string, b: string): number {
  const i = line.indexOf(a);
  const j = line.indexOf(b);
  if (i < 0) return j;
  if (j < 0) return i;
  return Math.min(i, j);
}

/** Index of the `}` closing the label set, skipping quoted label values (which may hold `}` or escaped quotes). */
function closingBrace(text: string): number {
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '}') return i;
  }
  return -1;
}
