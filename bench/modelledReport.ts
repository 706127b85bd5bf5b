// The modelled-routing section of BENCHMARKS.md (bench/modelledPart.ts): one row per case, the contenders' TTFT p90
// and hit rate side by side, and the issue-17 targets for the best sidecar algorithm against the LIMIT and the peer.
import { type ModelledRow, SIDECAR_ALGORITHMS } from './modelledPart';

const COLUMNS = ['limit', 'peer', ...SIDECAR_ALGORITHMS] as const;
const HEADINGS: Record<(typeof COLUMNS)[number], string> = {
  limit: 'LIMIT',
  peer: 'peer',
  'round-robin': 'round-robin',
  'least-connections': 'least-conn',
  'consistent-hash': 'consistent-hash',
  'power-of-two': 'power-of-two',
  'prefix-aware': 'prefix-aware',
  'queue-aware': 'queue-aware',
};

const ms = (v: number | undefined): string => (v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const pct = (v: number | undefined): string => (v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
const x = (v: number | undefined): string => (v === undefined ? '–' : `${v.toFixed(2)}×`);

export function renderModelled(rows: readonly ModelledRow[]): string[] {
  if (rows.length === 0) return [];
  const cases = [...new Set(rows.map((r) => r.case))];
  const at = (name: string, contender: string) => rows.find((r) => r.case === name && r.contender === contender);
  const seeds = rows[0]!.seeds;
  const md: string[] = [
    '',
    '## Routing in modelled time (deterministic, many seeds)',
    '',
    'The simulator engines and the sidecar balancers on one manual clock (`bench/virtualRouting.ts`, the same code the' +
      ' sidecar runs): no HTTP, no processes, so no proxy cost and no machine load in the figures, and every seed is' +
      ` reproducible (\`node --import tsx scripts/virtualRouting.ts\`). Means over ${seeds} seeds. Each sidecar scrapes` +
      " every replica's /metrics every 2 s at its own phase; the team sends each developer's conversations through" +
      " that developer's own sidecar. Shapes marked with a change from few-large/many-small are not in the real" +
      ' bench (held-out-like checks). The real runs above add the CPU of 8 sidecar processes on 2 cores to the team.',
    '',
    `TTFT p90 (ms, mean over seeds):`,
    '',
    `| case | ${COLUMNS.map((c) => HEADINGS[c]).join(' | ')} |`,
    `|---|${COLUMNS.map(() => '---').join('|')}|`,
  ];
  for (const name of cases) md.push(`| ${name} | ${COLUMNS.map((c) => ms(at(name, c)?.ttftP90)).join(' | ')} |`);
  md.push(
    '',
    'Targets (issue 17) for the best sidecar algorithm, and the two LLM-aware rules against least connections:',
    '',
    '| case | best | TTFT p90 (range) | ÷ LIMIT (≤ 2×) | hit ÷ LIMIT (≥ 90%) | ÷ peer | prefix-aware ÷ least-conn | queue-aware ÷ least-conn (≤ 1×) |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const name of cases) {
    const sidecars = rows.filter((r) => r.case === name && r.contender !== 'limit' && r.contender !== 'peer');
    const best = sidecars.reduce((a, b) => (b.ttftP90 < a.ttftP90 ? b : a));
    const limit = at(name, 'limit');
    const peer = at(name, 'peer');
    const lc = at(name, 'least-connections');
    md.push(
      `| ${name} | ${best.contender} | ${ms(best.ttftP90)} (${ms(best.ttftP90Min)}–${ms(best.ttftP90Max)}) | ` +
        `${x(ratio(best.ttftP90, limit?.ttftP90))} | ${limit ? pct(ratio(best.hitRate, limit.hitRate)) : '–'} | ` +
        `${x(ratio(best.ttftP90, peer?.ttftP90))} | ${x(ratio(at(name, 'prefix-aware')?.ttftP90, lc?.ttftP90))} | ` +
        `${x(ratio(at(name, 'queue-aware')?.ttftP90, lc?.ttftP90))} |`,
    );
  }
  md.push('', 'Prefix-cache hit rate (mean over seeds):', '');
  const hitColumns = ['limit', 'peer', 'least-connections', 'prefix-aware', 'queue-aware'] as const;
  md.push(
    `| case | ${hitColumns.map((c) => HEADINGS[c]).join(' | ')} |`,
    `|---|${hitColumns.map(() => '---').join('|')}|`,
  );
  for (const name of cases) md.push(`| ${name} | ${hitColumns.map((c) => pct(at(name, c)?.hitRate)).join(' | ')} |`);
  return md;
}
