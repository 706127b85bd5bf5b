// `vllm-pools bench`: routing benchmarks, the team scenario and proxy cost; rewrites BENCHMARKS.md and docs/bench-*.svg.

import { parseCommandArgs } from '../sidecar/commandArgs';
import { runEchoWorker } from './echoWorker';
import { rewriteReport, runBench } from './runBench';
import { runSimWorker } from './simWorker';

const USAGE = `usage: vllm-pools bench [--quick] [--only PART] [--out BENCHMARKS.md] [--docs docs] [--contenders TEXT]
  PART: routing | multi-turn | prefix-repetition | random | team | agentic | proxy
  --quick        a 1-2 minute smoke run (fewer requests, two load levels, fewer contenders)
  --contenders   only contenders whose label contains TEXT (comma-separated)
  --rates        override the load levels (requests/s, comma-separated) of the routing workloads
  --seeds        agentic part: only these seeds (comma-separated)
  --replica-counts  agentic part: only these fleet sizes (comma-separated, e.g. 4)
  --shapes       agentic part: only these shapes (few-large, many-small)
  --no-write     print the report instead of writing files
  --from-json F  rewrite the report from a saved run (the raw results file a run names) without measuring
`;

export async function run(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    'bench',
    argv,
    {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      out: { type: 'string' },
      docs: { type: 'string' },
      contenders: { type: 'string' },
      rates: { type: 'string' },
      seeds: { type: 'string' },
      'replica-counts': { type: 'string' },
      shapes: { type: 'string' },
      'no-write': { type: 'boolean' },
      'from-json': { type: 'string' },
      worker: { type: 'string' },
      'worker-options': { type: 'string' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  if (values.worker) {
    const options = JSON.parse(values['worker-options'] ?? '{}');
    if (values.worker === 'sim') return runSimWorker(options);
    if (values.worker === 'echo') return runEchoWorker(options);
    process.stderr.write(`vllm-pools bench: unknown worker ${values.worker}\n`);
    return 2;
  }
  const parts = ['routing', 'multi-turn', 'prefix-repetition', 'random', 'team', 'agentic', 'proxy'];
  if (values.only !== undefined && !parts.includes(values.only)) {
    process.stderr.write(`vllm-pools bench: --only takes one of ${parts.join(', ')}\n`);
    return 2;
  }
  if (values['from-json']) {
    return rewriteReport(values['from-json'], values.out ?? 'BENCHMARKS.md', values.docs ?? 'docs');
  }
  return runBench({
    quick: values.quick ?? false,
    ...(values.only ? { only: values.only } : {}),
    out: values.out ?? 'BENCHMARKS.md',
    docs: values.docs ?? 'docs',
    contenders: values.contenders ? values.contenders.split(',') : [],
    rates: values.rates ? values.rates.split(',').map(Number) : [],
    write: !values['no-write'],
    ...(values.seeds ? { seeds: values.seeds.split(',').map(Number) } : {}),
    ...(values['replica-counts'] ? { replicaCounts: values['replica-counts'].split(',').map(Number) } : {}),
    ...(values.shapes ? { shapes: values.shapes.split(',') } : {}),
  });
}
