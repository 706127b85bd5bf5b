// Runs the parts in order (routing workloads, team, proxy cost) and writes the report.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AlgorithmId } from '../core/protocol';
import { runAgentic } from './agenticPart';
import { type AgenticPlan, makeAgenticPlan } from './agenticPlan';
import { allContenders, type ContenderSpec, contenderLabel } from './contenders';
import { type FairnessResult, makeFairnessPlan, runFairness } from './fairness';
import { machineInfo } from './machine';
import { mergeRuns } from './mergeRuns';
import { type ModelledRow, makeModelledPlan, runModelled } from './modelledPart';
import { type BenchPlan, makePlan } from './plan';
import { type ProxyCostResult, runProxyCost } from './proxyCost';
import { renderReport } from './report';
import { type RoutingResult, runRouting } from './routing';
import { type BenchFleet, startBenchFleet } from './simFleet';
import { startTeam } from './team';
import { sizing, WORKLOAD_NAMES, type WorkloadName } from './workloads';

export interface BenchOptions {
  quick: boolean;
  only?: string;
  out: string;
  docs: string;
  contenders: string[];
  rates: number[];
  write: boolean;
  /** Agentic part: only these seeds / replica counts / shapes (reduced runs while iterating). */
  seeds?: number[];
  replicaCounts?: number[];
  shapes?: string[];
}

export interface BenchResults {
  plan: BenchPlan;
  machine: ReturnType<typeof machineInfo>;
  machineAtEnd: ReturnType<typeof machineInfo>;
  startedAt: string;
  wallSeconds: number;
  parts: string[];
  routing: RoutingResult[];
  team: RoutingResult[];
  /** The agentic part (issue 17); absent in results saved before it existed. */
  agentic?: RoutingResult[];
  agenticPlan?: AgenticPlan;
  proxy: ProxyCostResult[];
  /** Routing in modelled time (bench/modelledPart.ts); absent in results saved before it existed. */
  modelled?: ModelledRow[];
  /** The fairness part (issue 21); absent in results saved before it existed. */
  fairness?: FairnessResult;
  command: string;
  /** Later runs whose parts replaced these (bench --from-json with several files, mergeRuns.ts). */
  reruns?: PartRun[];
}

/** A run of some parts, merged into a report over an earlier run's. */
export interface PartRun {
  command: string;
  startedAt: string;
  wallSeconds: number;
  parts: string[];
  loadAverage: number[];
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

export function fmt(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

function logResult(result: RoutingResult): void {
  const s = result.summary;
  log(
    `${result.workload} rate ${result.rate} ${result.contender.padEnd(34)} ok ${s.completed} fail ${s.failed} ` +
      `ttft p50 ${fmt(s.ttft.p50)} p90 ${fmt(s.ttft.p90)} ms, out ${fmt(s.outputThroughput)} tok/s, ` +
      `hit ${fmt(result.hitRate * 100, 1)}%, share ${result.replicas.map((r) => fmt(r.share * 100)).join('/')}` +
      `${result.proxyCpuMsPerRequest !== undefined ? `, cpu ${fmt(result.proxyCpuMsPerRequest, 2)} ms/req` : ''}` +
      `, ${fmt(result.realMs / 1000, 1)}s${result.cut ? ' CUT' : ''}` +
      `${result.errors.length ? ` errors: ${result.errors.join('; ')}` : ''}`,
  );
}

async function routingPart(
  plan: BenchPlan,
  fleet: BenchFleet,
  name: WorkloadName,
  options: BenchOptions,
  results: RoutingResult[],
): Promise<void> {
  const { workload, levels } = plan.workloads[name];
  const size = sizing(workload, plan.kvBlocks * plan.blockSize, plan.replicas);
  log(
    `${name}: ${workload.description}; working set ${size.workingSetTokens} tokens = ` +
      `${fmt(size.overReplica, 2)}× one replica's KV cache, ${fmt(size.overFleet, 2)}× the fleet's` +
      `${size.inRegime || name === 'random' ? '' : ' (NOT between the two: routing cannot matter much)'}`,
  );
  const wanted = (spec: ContenderSpec) =>
    options.contenders.length === 0 || options.contenders.some((c) => contenderLabel(spec).includes(c));
  const chosenLevels =
    options.rates.length > 0 ? options.rates.map((rate) => ({ rate, contenders: 'all' as const })) : levels;
  for (const level of chosenLevels) {
    const specs = allContenders()
      .filter(wanted)
      .filter((spec) => level.contenders === 'all' || plan.core.some((c) => contenderLabel(spec).includes(c)));
    for (const spec of specs) {
      try {
        const result = await runRouting({
          fleet,
          spec,
          workload,
          rate: level.rate,
          seed: plan.seed,
          slo: plan.slo,
          maxRealMs: plan.maxRunRealMs,
        });
        results.push(result);
        logResult(result);
      } catch (error) {
        log(`${name} rate ${level.rate} ${contenderLabel(spec)}: FAILED ${(error as Error).message}`);
      }
    }
  }
}

async function teamPart(
  plan: BenchPlan,
  fleet: BenchFleet,
  results: RoutingResult[],
  contenders: readonly string[],
): Promise<void> {
  const { workload } = plan.workloads['multi-turn'];
  const runs: Array<{ spec: ContenderSpec; label: string; team?: AlgorithmId }> = [
    ...plan.team.algorithms.map((algorithm) => ({
      spec: { kind: 'sidecar', algorithm } as ContenderSpec,
      label: `${plan.team.developers} sidecars ${algorithm}`,
      team: algorithm,
    })),
    {
      spec: { kind: 'nginx', algorithm: 'least-connections', directive: 'least_conn' },
      label: 'one shared nginx least_conn',
    },
    { spec: { kind: 'limit' }, label: 'LIMIT (sessions pinned)' },
  ];
  // --contenders filters the team's runs by label too (e.g. "prefix-aware,LIMIT").
  const wanted = runs.filter((run) => contenders.length === 0 || contenders.some((c) => run.label.includes(c)));
  for (const run of wanted) {
    try {
      const result = await runRouting({
        fleet,
        spec: run.spec,
        workload,
        rate: plan.team.rate,
        seed: plan.seed,
        slo: plan.slo,
        maxRealMs: plan.maxRunRealMs,
        label: run.label,
        ...(run.team ? { start: () => startTeam(run.team!, plan.team.developers, fleet, workload.sessions) } : {}),
      });
      result.workload = 'team';
      results.push(result);
      logResult(result);
    } catch (error) {
      log(`team ${run.label}: FAILED ${(error as Error).message}`);
    }
  }
}

function writeReport(results: BenchResults, out: string, docs: string): void {
  const report = renderReport(results, docs);
  mkdirSync(docs, { recursive: true });
  for (const [file, svg] of Object.entries(report.charts)) writeFileSync(join(docs, file), svg);
  mkdirSync(dirname(out) || '.', { recursive: true });
  writeFileSync(out, report.markdown);
  log(`wrote ${out} and ${Object.keys(report.charts).length} charts in ${docs}/`);
}

/**
 * Renders the report again from saved runs (after a change to the report's wording or charts); with several files,
 * each later run's parts replace the same parts of the earlier ones (mergeRuns.ts).
 */
export async function rewriteReport(files: readonly string[], out: string, docs: string): Promise<number> {
  const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
  writeReport(mergeRuns(runs), out, docs);
  return 0;
}

export async function runBench(options: BenchOptions): Promise<number> {
  const plan = makePlan(options.quick);
  const started = Date.now();
  const machine = machineInfo();
  log(
    `machine: ${machine.cores} cores, ${machine.cpuModel}, load average ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}` +
      `${machine.busy ? ' (BUSY: latency figures will be inflated)' : ''}`,
  );
  const only = options.only;
  const workloads = WORKLOAD_NAMES.filter((name) => !only || only === 'routing' || only === name);
  const runRoutingParts = !only || only === 'routing' || (WORKLOAD_NAMES as readonly string[]).includes(only);
  const parts: string[] = [];
  const routing: RoutingResult[] = [];
  const team: RoutingResult[] = [];
  let proxy: ProxyCostResult[] = [];
  if (runRoutingParts) {
    const fleet = await startBenchFleet({
      replicas: plan.replicas,
      kvBlocks: plan.kvBlocks,
      timeScale: plan.timeScale,
      seed: plan.seed,
    });
    try {
      for (const name of workloads) {
        await routingPart(plan, fleet, name, options, routing);
        parts.push(name);
      }
    } finally {
      await fleet.stop();
    }
  }
  if (!only || only === 'team') {
    const fleet = await startBenchFleet({
      replicas: plan.replicas,
      kvBlocks: plan.kvBlocks,
      timeScale: plan.team.timeScale,
      seed: plan.seed,
    });
    try {
      await teamPart(plan, fleet, team, options.contenders);
      parts.push('team');
    } finally {
      await fleet.stop();
    }
  }
  const agentic: RoutingResult[] = [];
  const agenticPlan = makeAgenticPlan(options.quick);
  if (!only || only === 'agentic') {
    await runAgentic(
      agenticPlan,
      plan.slo,
      {
        contenders: options.contenders,
        ...(options.seeds ? { seeds: options.seeds } : {}),
        ...(options.replicaCounts ? { replicaCounts: options.replicaCounts } : {}),
        ...(options.shapes ? { shapes: options.shapes } : {}),
      },
      log,
      (result) => {
        agentic.push(result);
        log(`seed ${result.seed}`);
        logResult(result);
      },
    );
    parts.push('agentic');
  }
  let modelled: ModelledRow[] | undefined;
  if (!only || only === 'modelled') {
    modelled = runModelled(makeModelledPlan(options.quick), log);
    parts.push('modelled');
  }
  let fairness: FairnessResult | undefined;
  if (!only || only === 'fairness') {
    fairness = await runFairness(makeFairnessPlan(), log);
    parts.push('fairness');
  }
  if (!only || only === 'proxy') {
    proxy = await runProxyCost(plan.proxy, log);
    parts.push('proxy');
  }
  const results: BenchResults = {
    plan,
    machine,
    machineAtEnd: machineInfo(),
    startedAt: new Date(started).toISOString(),
    wallSeconds: (Date.now() - started) / 1000,
    parts,
    routing,
    team,
    agentic,
    agenticPlan,
    proxy,
    ...(fairness ? { fairness } : {}),
    ...(modelled ? { modelled } : {}),
    command: `vllm-pools bench${options.quick ? ' --quick' : ''}${only ? ` --only ${only}` : ''}`,
  };
  log(`done in ${fmt(results.wallSeconds)} s`);
  const report = renderReport(results, options.docs);
  if (!options.write) {
    process.stdout.write(report.markdown);
    return 0;
  }
  const raw = join(tmpdir(), 'vllm-pools-bench-results.json');
  writeFileSync(raw, JSON.stringify(results, null, 1));
  log(`raw results: ${raw}`);
  writeReport(results, options.out, options.docs);
  return 0;
}
