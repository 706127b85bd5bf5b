// Saved bench runs combined into one report: each later run's parts replace the same parts of the earlier ones (a
// part measured again after a change, the rest of a full run kept). The report names every run and its parts.
import type { BenchResults, PartRun } from './runBench';

export function mergeRuns(runs: readonly BenchResults[]): BenchResults {
  const [first, ...later] = runs;
  if (!first) throw new Error('no saved run to report');
  let merged: BenchResults = { ...first, reruns: [...(first.reruns ?? [])] };
  for (const run of later) {
    const replaced = new Set(run.parts);
    const next: BenchResults = {
      ...merged,
      routing: [...merged.routing.filter((r) => !replaced.has(r.workload)), ...run.routing],
      parts: [...merged.parts, ...run.parts.filter((part) => !merged.parts.includes(part))],
    };
    if (replaced.has('team')) next.team = run.team;
    if (replaced.has('proxy')) next.proxy = run.proxy;
    if (replaced.has('agentic')) {
      next.agentic = run.agentic ?? [];
      if (run.agenticPlan) next.agenticPlan = run.agenticPlan;
    }
    if (replaced.has('modelled')) next.modelled = run.modelled ?? [];
    if (replaced.has('fairness')) {
      if (run.fairness) next.fairness = run.fairness;
      else delete next.fairness;
    }
    const rerun: PartRun = {
      command: run.command,
      startedAt: run.startedAt,
      wallSeconds: run.wallSeconds,
      parts: run.parts,
      loadAverage: run.machine.loadAverage,
    };
    next.reruns = [...(merged.reruns ?? []), rerun];
    merged = next;
  }
  return merged;
}
