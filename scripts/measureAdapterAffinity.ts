// Adapter affinity measured: two adapters' traffic over three simulated replicas (--max-loras 1, both adapters loaded
// everywhere, round-robin), with the sidecar reading vllm:lora_requests_info (affinity on) and without engine metrics
// (the plain algorithm). Prints adapter switches per replica, engine adapter swaps and TTFT / total latency
// percentiles. Run: node --import tsx scripts/measureAdapterAffinity.ts [rounds]
import { adapterTraffic, startAdapterFleet, type TrafficResult } from '../test/integration/sidecar/adapterTraffic';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function line(label: string, result: TrafficResult): string {
  const ttft = result.served.map((s) => s.ttftMs);
  const total = result.served.map((s) => s.totalMs);
  const f = (n: number) => n.toFixed(0);
  return `${label}: ${result.served.length} ok, ${result.failures.length} failed; switches ${result.switches}; engine swaps ${result.engineSwaps}; TTFT p50 ${f(percentile(ttft, 50))} p90 ${f(percentile(ttft, 90))} p99 ${f(percentile(ttft, 99))} ms; total p50 ${f(percentile(total, 50))} p90 ${f(percentile(total, 90))} ms`;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 2);
  for (let round = 0; round < rounds; round++) {
    for (const engineMetrics of [true, false]) {
      const setup = await startAdapterFleet({ engineMetrics });
      await new Promise((resolve) => setTimeout(resolve, 400));
      const result = await adapterTraffic(setup, { workers: 4, perWorker: 12, maxTokens: 40, budgetMs: 30_000 });
      console.log(line(`round ${round + 1} ${engineMetrics ? 'affinity' : 'plain   '}`, result));
      await setup.close();
    }
  }
}

void main();
