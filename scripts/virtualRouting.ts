// Routing rules compared in modelled time (bench/virtualRouting.ts): deterministic, unaffected by machine load.
// Run: node --import tsx scripts/virtualRouting.ts WORKLOAD REPLICAS SIDECARS SEEDS ALGORITHMS
//   WORKLOAD: few-large | many-small (agentic shapes; QUICK=1 for the --quick plan's) | random | multi-turn (the main bench's; RATE=20 by default)
//   PLACEMENT_SCRAPE_MS: the modelled /metrics round trip before a new group's placement (default 20)
//   SHAPE (JSON) overrides the agentic shape's fields, KV_BLOCKS the cache per replica (held-out-like checks),
//   SCRAPE_MS the engine scrape interval (default 2000)
//   ALGORITHMS: sidecar algorithms, and `limit` (groups pinned in balanced order) or `peer` (the SGLang-style router)
//   e.g. node --import tsx scripts/virtualRouting.ts few-large 4 8 1,2,3,4 least-connections,queue-aware

import { agenticWorkload } from '../bench/agentic';
import { makeAgenticPlan } from '../bench/agenticPlan';
import { makePlan } from '../bench/plan';
import { runVirtual, type VirtualContender } from '../bench/virtualRouting';
import type { Workload } from '../bench/workloads';

function workloadFor(
  name: string,
  replicas: number,
  seed: number,
): { workload: Workload; rate: number; kvBlocks: number } {
  const agentic = makeAgenticPlan(process.env.QUICK === '1');
  const shape = agentic.shapes.find((s) => s.shape === name);
  if (shape) {
    // SHAPE='{"repoTokens":16000,"developersPerReplica":3}' varies the shape (held-out-like checks).
    const varied = { ...shape, ...(process.env.SHAPE ? JSON.parse(process.env.SHAPE) : {}) };
    const workload = agenticWorkload({ ...varied, developers: varied.developersPerReplica * replicas, seed });
    const kvBlocks = Number(process.env.KV_BLOCKS ?? agentic.kvBlocks);
    return { workload, rate: varied.ratePerReplica * replicas, kvBlocks };
  }
  const plan = makePlan(false);
  if (name === 'random') return { workload: plan.workloads.random.workload, rate: 12, kvBlocks: plan.kvBlocks };
  if (name === 'multi-turn')
    return {
      workload: plan.workloads['multi-turn'].workload,
      rate: Number(process.env.RATE ?? 20),
      kvBlocks: plan.kvBlocks,
    };
  throw new Error(`unknown workload ${name}`);
}

const [
  name = 'few-large',
  replicasArg = '4',
  sidecarsArg = '1',
  seedsArg = '1,2,3',
  algorithms = 'least-connections,queue-aware',
] = process.argv.slice(2);
const replicas = Number(replicasArg);
const sidecars = Number(sidecarsArg);
const seeds = seedsArg.split(',').map(Number);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
for (const algorithm of algorithms.split(',') as VirtualContender[]) {
  const p90s: number[] = [];
  const hits: number[] = [];
  for (const seed of seeds) {
    const { workload, rate, kvBlocks } = workloadFor(name, replicas, seed);
    const scrapeIntervalMs = Number(process.env.SCRAPE_MS ?? 2000);
    const placementScrapeMs = process.env.PLACEMENT_SCRAPE_MS ? Number(process.env.PLACEMENT_SCRAPE_MS) : undefined;
    const r = runVirtual({
      workload,
      algorithm,
      replicas,
      sidecars,
      rate,
      kvBlocks,
      seed,
      scrapeIntervalMs,
      placementScrapeMs,
    });
    p90s.push(r.ttftP90);
    hits.push(r.hitRate);
    console.log(
      `${name} ×${replicas}, ${sidecars} sidecar(s), ${algorithm}, seed ${seed}: TTFT p50 ${r.ttftP50.toFixed(0)} ` +
        `p90 ${r.ttftP90.toFixed(0)} ms, hit ${(r.hitRate * 100).toFixed(1)}%, shares ${r.shares.map((s) => Math.round(s * 100)).join('/')}`,
    );
  }
  console.log(
    `== ${name} ×${replicas}, ${sidecars} sidecar(s), ${algorithm}: mean TTFT p90 ${mean(p90s).toFixed(0)} ms ` +
      `(${Math.min(...p90s).toFixed(0)}-${Math.max(...p90s).toFixed(0)}), mean hit ${(mean(hits) * 100).toFixed(1)}%`,
  );
}
