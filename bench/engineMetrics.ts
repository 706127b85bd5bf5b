// Per-replica counters from a vLLM /metrics page, and their change over a run (hit rate = Δhits / Δqueries).
import { request } from 'undici';

export interface ReplicaCounters {
  prefixQueries: number;
  prefixHits: number;
  requests: number;
  preemptions: number;
}

const NAMES: Record<string, keyof ReplicaCounters> = {
  'vllm:prefix_cache_queries_total': 'prefixQueries',
  'vllm:prefix_cache_hits_total': 'prefixHits',
  'vllm:request_success_total': 'requests',
  'vllm:num_preemptions_total': 'preemptions',
};

/** Sums each counter over its label sets. */
export function parseCounters(text: string): ReplicaCounters {
  const counters: ReplicaCounters = { prefixQueries: 0, prefixHits: 0, requests: 0, preemptions: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.length === 0) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    const name = line.slice(0, brace >= 0 ? brace : line.indexOf(' '));
    const key = NAMES[name];
    if (!key) continue;
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value)) counters[key] += value;
  }
  return counters;
}

export async function scrapeCounters(baseUrl: string): Promise<ReplicaCounters> {
  const response = await request(`${baseUrl}/metrics`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${baseUrl}/metrics answered ${response.statusCode}`);
  return parseCounters(text);
}

export function counterDelta(before: ReplicaCounters, after: ReplicaCounters): ReplicaCounters {
  return {
    prefixQueries: after.prefixQueries - before.prefixQueries,
    prefixHits: after.prefixHits - before.prefixHits,
    requests: after.requests - before.requests,
    preemptions: after.preemptions - before.preemptions,
  };
}

export function hitRate(counters: ReplicaCounters): number {
  return counters.prefixQueries > 0 ? counters.prefixHits / counters.prefixQueries : 0;
}

export function sumCounters(all: readonly ReplicaCounters[]): ReplicaCounters {
  return all.reduce(
    (sum, c) => ({
      prefixQueries: sum.prefixQueries + c.prefixQueries,
      prefixHits: sum.prefixHits + c.prefixHits,
      requests: sum.requests + c.requests,
      preemptions: sum.preemptions + c.preemptions,
    }),
    { prefixQueries: 0, prefixHits: 0, requests: 0, preemptions: 0 },
  );
}
