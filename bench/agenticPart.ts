// Runs the agentic part: for each replica count a fleet, for each shape and seed the workload, one run per contender
// (one sidecar, gateways, the peer, the LIMIT) and per team algorithm (8 sidecars, one per developer group).

import type { AlgorithmId } from '../core/protocol';
import { agenticWorkload } from './agentic';
import type { AgenticPlan } from './agenticPlan';
import { type AgentProtocol, PROTOCOL_LABELS } from './agentWire';
import { type ContenderSpec, contenderLabel } from './contenders';
import { type RoutingResult, runRouting } from './routing';
import { startBenchFleet } from './simFleet';
import type { Slo } from './stats';
import { startTeam } from './team';
import { sizing } from './workloads';

export interface AgenticRunFilter {
  /** Only contenders whose label contains one of these (empty: all). */
  contenders: readonly string[];
  seeds?: number[];
  replicaCounts?: number[];
  shapes?: string[];
}

/** The LIMIT here pins developer groups whole (limitPins), not sessions; its label says so. */
export function agenticContenderLabel(spec: ContenderSpec): string {
  return spec.kind === 'limit' ? 'LIMIT (developer groups pinned, balanced)' : contenderLabel(spec);
}

/** Result label of a workload on a fleet: "agentic-few-large ×4". */
export function agenticCaseLabel(workloadName: string, replicas: number): string {
  return `${workloadName} ×${replicas}`;
}

/** A case sent as an agent protocol: "agentic-few-large ×4 · Responses API, Codex CLI style"; chat keeps the label. */
export function protocolCaseLabel(caseLabel: string, protocol: AgentProtocol | undefined): string {
  return protocol === undefined || protocol === 'chat' ? caseLabel : `${caseLabel} · ${PROTOCOL_LABELS[protocol]}`;
}

export async function runAgentic(
  plan: AgenticPlan,
  slo: Slo,
  filter: AgenticRunFilter,
  log: (line: string) => void,
  onResult: (result: RoutingResult) => void,
): Promise<void> {
  const wanted = (label: string) => filter.contenders.length === 0 || filter.contenders.some((c) => label.includes(c));
  for (const replicas of filter.replicaCounts ?? plan.replicaCounts) {
    const fleet = await startBenchFleet({ replicas, kvBlocks: plan.kvBlocks, timeScale: plan.timeScale, seed: 42 });
    try {
      for (const shape of plan.shapes.filter((s) => !filter.shapes || filter.shapes.includes(s.shape))) {
        for (const seed of filter.seeds ?? plan.seeds) {
          const workload = agenticWorkload({ ...shape, developers: shape.developersPerReplica * replicas, seed });
          const rate = shape.ratePerReplica * replicas;
          const label = agenticCaseLabel(workload.name, replicas);
          const size = sizing(workload, plan.kvBlocks * 16, replicas);
          log(
            `${label} seed ${seed}: ${workload.description}; working set ${size.workingSetTokens} tokens = ` +
              `${size.overReplica.toFixed(2)}× one replica's KV cache, ${size.overFleet.toFixed(2)}× the fleet's; ${rate} req/s`,
          );
          const runs: Array<{
            spec: ContenderSpec;
            label: string;
            team: AlgorithmId | undefined;
            protocol?: AgentProtocol;
          }> = [
            ...plan.contenders.map((spec) => ({ spec, label: agenticContenderLabel(spec), team: undefined })),
            ...plan.team.algorithms.map((algorithm) => ({
              spec: { kind: 'sidecar' as const, algorithm },
              label: `${plan.team.developers} sidecars ${algorithm}`,
              team: algorithm,
            })),
          ].filter((run) => wanted(run.label));
          const variants = plan.protocolVariants;
          const protocolRuns =
            variants.shape === shape.shape && variants.replicas === replicas && variants.seeds.includes(seed)
              ? variants.protocols.flatMap((protocol) =>
                  variants.contenders
                    .map((spec) => ({ spec, label: agenticContenderLabel(spec), team: undefined, protocol }))
                    .filter((run) => wanted(run.label)),
                )
              : [];
          for (const run of [...runs, ...protocolRuns]) {
            const { protocol, team } = run;
            const caseLabel = protocolCaseLabel(label, protocol);
            try {
              const result = await runRouting({
                fleet,
                spec: run.spec,
                workload,
                rate,
                seed,
                slo,
                maxRealMs: plan.maxRunRealMs,
                label: run.label,
                ...(protocol ? { protocol } : {}),
                ...(team !== undefined
                  ? { start: () => startTeam(team, plan.team.developers, fleet, workload.sessions) }
                  : {}),
              });
              result.workload = caseLabel;
              result.seed = seed;
              onResult(result);
            } catch (error) {
              log(`${caseLabel} seed ${seed} ${run.label}: FAILED ${(error as Error).message}`);
            }
          }
        }
      }
    } finally {
      await fleet.stop();
    }
  }
}
