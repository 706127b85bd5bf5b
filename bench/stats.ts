// Percentiles and the per-run summary, as `vllm bench serve` reports them (reference vllm.md §6.1).

export interface Distribution {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The q-th percentile (0-100) with linear interpolation between closest ranks (numpy's default). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (q <= 0) return sorted[0]!;
  if (q >= 100) return sorted[sorted.length - 1]!;
  const rank = (q / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const count = sorted.length;
  const mean = count === 0 ? Number.NaN : sorted.reduce((sum, v) => sum + v, 0) / count;
  return {
    count,
    mean,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: count === 0 ? Number.NaN : sorted[count - 1]!,
  };
}

/** One request as the load generator saw it. Times in modelled ms (real ms divided by the time scale). */
export interface RequestRecord {
  /** Session or prefix group the request belongs to. */
  key: string;
  /** Offset of the send from the run's start. */
  sentMs: number;
  /** Time to the first content chunk; undefined when none came. */
  ttftMs?: number;
  /** Gaps between successive content chunks. */
  itlMs: number[];
  e2elMs: number;
  promptTokens: number;
  outputTokens: number;
  status: number;
  ok: boolean;
  error?: string;
  /** Replica that served it, when the path tells (x-vllm-pools-replica, or the client chose it). */
  replica?: string;
}

/** TPOT as vLLM defines it: (E2EL - TTFT) / (output tokens - 1), only for outputs of more than one token. */
export function tpotMs(record: RequestRecord): number | undefined {
  if (record.ttftMs === undefined || record.outputTokens <= 1) return undefined;
  return (record.e2elMs - record.ttftMs) / (record.outputTokens - 1);
}

export interface Slo {
  ttftMs: number;
  tpotMs: number;
}

export interface RunSummary {
  completed: number;
  failed: number;
  /** Modelled seconds from the first send to the last end. */
  durationS: number;
  requestThroughput: number;
  outputThroughput: number;
  totalTokenThroughput: number;
  /** Requests per second that met every SLO. */
  goodput: number;
  ttft: Distribution;
  tpot: Distribution;
  itl: Distribution;
  e2el: Distribution;
}

export function summarize(records: readonly RequestRecord[], slo: Slo): RunSummary {
  const ok = records.filter((r) => r.ok);
  const start = Math.min(...records.map((r) => r.sentMs));
  const end = Math.max(...records.map((r) => r.sentMs + r.e2elMs));
  const durationS = records.length === 0 ? 0 : Math.max(1e-9, (end - start) / 1000);
  const outputTokens = ok.reduce((sum, r) => sum + r.outputTokens, 0);
  const promptTokens = ok.reduce((sum, r) => sum + r.promptTokens, 0);
  const tpots = ok.map(tpotMs).filter((v): v is number => v !== undefined);
  const good = ok.filter((r) => {
    const tpot = tpotMs(r) ?? 0;
    return r.ttftMs !== undefined && r.ttftMs <= slo.ttftMs && tpot <= slo.tpotMs;
  }).length;
  const perSecond = (n: number) => (durationS > 0 ? n / durationS : 0);
  return {
    completed: ok.length,
    failed: records.length - ok.length,
    durationS,
    requestThroughput: perSecond(ok.length),
    outputThroughput: perSecond(outputTokens),
    totalTokenThroughput: perSecond(outputTokens + promptTokens),
    goodput: perSecond(good),
    ttft: distribution(ok.flatMap((r) => (r.ttftMs === undefined ? [] : [r.ttftMs]))),
    tpot: distribution(tpots),
    itl: distribution(ok.flatMap((r) => r.itlMs)),
    e2el: distribution(ok.map((r) => r.e2elMs)),
  };
}
