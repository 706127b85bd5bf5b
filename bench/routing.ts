// One routing run: cold fleet, start the contender, readiness + warm-up, counters before, the load, counters after.
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import type { AgentProtocol } from './agentWire';
import { cpuMs } from './childProcess';
import {
  type ContenderSpec,
  contenderLabel,
  type FleetInfo,
  type RunningContender,
  startContender,
} from './contenders';
import { counterDelta, hitRate, type ReplicaCounters, scrapeCounters, sumCounters } from './engineMetrics';
import { runLoad } from './loadGenerator';
import { type RunSummary, type Slo, summarize } from './stats';
import { streamChat } from './streamRequest';
import type { Workload } from './workloads';

export interface ReplicaOutcome {
  name: string;
  /** Share of the run's requests this replica completed. */
  share: number;
  hitRate: number;
}

export interface RoutingResult {
  workload: string;
  contender: string;
  spec: ContenderSpec;
  /** Offered load, requests per modelled second. */
  rate: number;
  /** Workload and arrival seed, where a part runs several. */
  seed?: number;
  summary: RunSummary;
  /** Fleet prefix-cache hit rate over the run (Δhits / Δqueries summed over replicas). */
  hitRate: number;
  preemptions: number;
  replicas: ReplicaOutcome[];
  cut: boolean;
  realMs: number;
  /** CPU time of the proxy process(es) per completed request, ms (undefined without a proxy). */
  proxyCpuMsPerRequest?: number;
  errors: string[];
}

export interface FleetControl extends FleetInfo {
  /** Restarts every replica: empty prefix cache, fresh metrics. */
  reset(): Promise<void>;
  model: string;
  timeScale: number;
}

export interface RoutingRunOptions {
  fleet: FleetControl;
  spec: ContenderSpec;
  workload: Workload;
  rate: number;
  seed: number;
  slo: Slo;
  maxRealMs: number;
  /** Starts something else than the spec's contender (the team of sidecars); label names it in results. */
  start?: () => Promise<RunningContender>;
  label?: string;
  /** Wire protocol of the load (warm-up stays chat); chat when absent. */
  protocol?: AgentProtocol;
}

export async function warmUp(
  url: string,
  model: string,
  timeScale: number,
  headers: Record<string, string> = {},
): Promise<void> {
  const dispatcher = new Agent({ connections: 4 });
  const deadline = Date.now() + 20_000;
  let lastError = '';
  try {
    for (let ok = 0, attempt = 0; ok < 2 && Date.now() < deadline && attempt < 200; attempt++) {
      const record = await streamChat(
        { url, headers },
        { messages: [{ role: 'user', content: `warm-up ${attempt}` }], maxTokens: 2, promptTokens: 4 },
        { dispatcher, model, timeScale, signal: AbortSignal.timeout(10_000), sentMs: 0, key: 'warm-up' },
      );
      if (record.ok) ok++;
      else {
        lastError = record.error ?? `status ${record.status}`;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (ok === 2) return;
    }
    throw new Error(`contender at ${url} not ready: ${lastError}`);
  } finally {
    await dispatcher.close();
  }
}

export async function runRouting(options: RoutingRunOptions): Promise<RoutingResult> {
  const { fleet, spec, workload } = options;
  await fleet.reset();
  const contender = options.start ? await options.start() : await startContender(spec, fleet, workload.sessions);
  try {
    const probe = contender.target('warm-up');
    await warmUp(probe.url, fleet.model, fleet.timeScale, probe.headers);
    if (spec.kind === 'limit' || spec.kind === 'peer')
      for (const url of fleet.urls) await warmUp(url, fleet.model, fleet.timeScale);
    const before = await Promise.all(fleet.urls.map(scrapeCounters));
    const readFile = (path: string) => readFileSync(path, 'utf8');
    const cpuBefore = contender.pids.reduce((sum, pid) => sum + cpuMs(pid, readFile), 0);
    const load = await runLoad({
      workload,
      target: contender.target,
      rate: options.rate,
      seed: options.seed,
      model: fleet.model,
      timeScale: fleet.timeScale,
      maxRealMs: options.maxRealMs,
      ...(options.protocol ? { protocol: options.protocol } : {}),
    });
    const cpuUsed = contender.pids.reduce((sum, pid) => sum + cpuMs(pid, readFile), 0) - cpuBefore;
    const after = await Promise.all(fleet.urls.map(scrapeCounters));
    const deltas: ReplicaCounters[] = after.map((a, i) => counterDelta(before[i]!, a));
    const total = sumCounters(deltas);
    const summary = summarize(load.records, options.slo);
    const errors = [...new Set(load.records.filter((r) => !r.ok).map((r) => r.error ?? 'failed'))].slice(0, 3);
    return {
      workload: workload.name,
      contender: options.label ?? contenderLabel(spec),
      spec,
      rate: options.rate,
      summary,
      ...(contender.pids.length > 0 && summary.completed > 0
        ? { proxyCpuMsPerRequest: cpuUsed / summary.completed }
        : {}),
      hitRate: hitRate(total),
      preemptions: total.preemptions,
      replicas: deltas.map((d, i) => ({
        name: fleet.names[i]!,
        share: total.requests > 0 ? d.requests / total.requests : 0,
        hitRate: hitRate(d),
      })),
      cut: load.cut,
      realMs: load.realMs,
      errors,
    };
  } finally {
    await contender.stop();
  }
}
