// The agentic part of BENCHMARKS.md (issue 17): per workload and fleet size, every contender's TTFT p90, output tok/s
// and hit rate as the mean over seeds (with the seeds' range), each against the LIMIT and the open peer, and the
// issue's targets for the best sidecar algorithm, one sidecar and the team of 8 apart.
import type { AgenticPlan } from './agenticPlan';
import type { RoutingResult } from './routing';

export interface AgenticRow {
  contender: string;
  team: boolean;
  limit: boolean;
  peer: boolean;
  seeds: number;
  ttftP90: number;
  ttftP90Min: number;
  ttftP90Max: number;
  outTokS: number;
  hitRate: number;
}

const f = (v: number | undefined, digits = 0): string =>
  v !== undefined && Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–';
const pct = (v: number | undefined, digits = 1): string =>
  v !== undefined && Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : '–';
const x = (v: number | undefined): string => (v !== undefined && Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** Rows of one case ("agentic-few-large ×4"), one per contender, means over its seeds. */
export function agenticRows(results: readonly RoutingResult[], workload: string): AgenticRow[] {
  const byContender = new Map<string, RoutingResult[]>();
  for (const r of results) {
    if (r.workload !== workload) continue;
    const list = byContender.get(r.contender) ?? [];
    list.push(r);
    byContender.set(r.contender, list);
  }
  return [...byContender.entries()].map(([contender, runs]) => {
    const p90s = runs.map((r) => r.summary.ttft.p90);
    return {
      contender,
      team: /^\d+ sidecars /.test(contender),
      limit: runs[0]!.spec.kind === 'limit',
      peer: runs[0]!.spec.kind === 'peer',
      seeds: runs.length,
      ttftP90: mean(p90s),
      ttftP90Min: Math.min(...p90s),
      ttftP90Max: Math.max(...p90s),
      outTokS: mean(runs.map((r) => r.summary.outputThroughput)),
      hitRate: mean(runs.map((r) => r.hitRate)),
    };
  });
}

export interface AgenticVerdict {
  row: AgenticRow;
  ttftVsLimit: number;
  hitVsLimit: number;
  outVsLimit: number;
  ttftVsPeer: number | undefined;
  met: boolean;
  misses: string[];
}

/** The issue's targets for one row: TTFT p90 ≤ 2× the LIMIT's and ≤ the peer's, hit ≥ 90%, out tok/s ≥ 95%. */
export function agenticVerdict(row: AgenticRow, limit: AgenticRow, peer: AgenticRow | undefined): AgenticVerdict {
  const ttftVsLimit = row.ttftP90 / limit.ttftP90;
  const hitVsLimit = row.hitRate / limit.hitRate;
  const outVsLimit = row.outTokS / limit.outTokS;
  const ttftVsPeer = peer ? row.ttftP90 / peer.ttftP90 : undefined;
  const misses: string[] = [];
  if (ttftVsLimit > 2) misses.push(`TTFT p90 ${x(ttftVsLimit)} the LIMIT's (goal ≤ 2×)`);
  if (hitVsLimit < 0.9) misses.push(`hit rate ${pct(hitVsLimit, 0)} of the LIMIT's (goal ≥ 90%)`);
  if (outVsLimit < 0.95) misses.push(`out tok/s ${pct(outVsLimit, 0)} of the LIMIT's (goal ≥ 95%)`);
  if (ttftVsPeer !== undefined && ttftVsPeer > 1) misses.push(`TTFT p90 ${x(ttftVsPeer)} the peer's (goal ≤ 1×)`);
  return { row, ttftVsLimit, hitVsLimit, outVsLimit, ttftVsPeer, met: misses.length === 0, misses };
}

/** Best sidecar row by TTFT p90 among those of one kind (one sidecar, or a team). */
function best(rows: readonly AgenticRow[], team: boolean): AgenticRow | undefined {
  const own = rows.filter((r) => r.team === team && r.contender.includes('sidecar'));
  return own.sort((a, b) => a.ttftP90 - b.ttftP90)[0];
}

export function renderAgentic(results: readonly RoutingResult[], plan: AgenticPlan | undefined): string[] {
  if (results.length === 0) return [];
  const md: string[] = [
    '',
    '## Agentic coding traffic (issue 17)',
    '',
    'A team-wide system prompt, a repository context per developer that all their conversations re-send, histories ' +
      'that grow turn by turn; a working set of about 3× one replica\'s KV cache. "few-large": few developers with long ' +
      'contexts and several conversations each; "many-small": many with short ones. The LIMIT is told each ' +
      "developer's group and pins groups whole, in balanced order (largest first to the least loaded replica). " +
      `Figures are means over the seeds run (${plan ? `the plan has ${plan.seeds.length}` : 'see the seeds column'}; TTFT p90 with their range); ` +
      '"8 sidecars" is one sidecar per developer group, no shared state. Cases ending "· Responses API, Codex CLI ' +
      'style" and "· Anthropic Messages, Claude Code style" send the same conversations as those agents do (issue 18: ' +
      'instructions or system block, ~1,000 tokens of tool definitions, the repository context as the first input ' +
      'item, earlier answers as tool calls with their outputs, the whole input re-sent each turn; bench/agentWire.ts).',
  ];
  const workloads = [...new Set(results.map((r) => r.workload))];
  const verdicts: string[] = [];
  for (const workload of workloads) {
    const rows = agenticRows(results, workload);
    const limit = rows.find((r) => r.limit);
    const peer = rows.find((r) => r.peer);
    md.push(
      '',
      `### ${workload}`,
      '',
      '| contender | seeds | TTFT p90 ms (range) | out tok/s | hit rate | TTFT p90 ÷ LIMIT | hit ÷ LIMIT | out ÷ LIMIT | TTFT p90 ÷ peer |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const row of rows) {
      md.push(
        `| ${row.contender} | ${row.seeds} | ${f(row.ttftP90)} (${f(row.ttftP90Min)}–${f(row.ttftP90Max)}) | ` +
          `${f(row.outTokS)} | ${pct(row.hitRate)} | ${x(limit ? row.ttftP90 / limit.ttftP90 : undefined)} | ` +
          `${pct(limit ? row.hitRate / limit.hitRate : undefined, 0)} | ${pct(limit ? row.outTokS / limit.outTokS : undefined, 0)} | ` +
          `${x(peer ? row.ttftP90 / peer.ttftP90 : undefined)} |`,
      );
    }
    if (!limit) continue;
    for (const team of [false, true]) {
      const b = best(rows, team);
      if (!b) continue;
      const v = agenticVerdict(b, limit, peer);
      verdicts.push(
        `| ${workload} | ${team ? 'team' : 'one sidecar'} | ${b.contender} | ${x(v.ttftVsLimit)} | ${pct(v.hitVsLimit, 0)} | ` +
          `${pct(v.outVsLimit, 0)} | ${x(v.ttftVsPeer)} | ${v.met ? 'yes' : `**no**: ${v.misses.join('; ')}`} |`,
      );
    }
  }
  if (verdicts.length > 0) {
    md.push(
      '',
      '### Targets (issue 17): best sidecar algorithm against the LIMIT and the peer',
      '',
      '| case | sidecars | best | TTFT p90 ÷ LIMIT (≤ 2×) | hit ÷ LIMIT (≥ 90%) | out ÷ LIMIT (≥ 95%) | TTFT p90 ÷ peer (≤ 1×) | met |',
      '|---|---|---|---|---|---|---|---|',
      ...verdicts,
    );
  }
  return md;
}
