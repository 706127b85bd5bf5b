// `vllm-pools bench`: routing benchmarks, the team scenario and proxy cost; rewrites BENCHMARKS.md and docs/bench-*.svg.

import { runEchoWorker } from '../bench/echoWorker';
import { runNodeProxyWorker } from '../bench/nodeProxyWorker';
import { rewriteReport, runBench } from '../bench/runBench';
import { runSimWorker } from '../bench/simWorker';
import { parseCommandArgs } from './commandArgs';

const PARTS = [
  'routing',
  'multi-turn',
  'prefix-repetition',
  'random',
  'team',
  'agentic',
  'modelled',
  'fairness',
  'proxy',
];
const USAGE = `usage: vllm-pools bench [--quick] [--only PART] [--contenders TEXT] [--rates LIST] [--out FILE] [--docs DIR]
  Runs the benchmarks on simulated replicas (routing algorithms against each other and other gateways, a team
  scenario, fairness between gateway users, the proxy's own cost) and rewrites BENCHMARKS.md and the charts in docs/. A full run takes a while.

      --quick            a 1-2 minute smoke run (fewer requests, two load levels, fewer contenders)
      --only PART        one part: ${PARTS.join(' | ')}
      --contenders TEXT  only contenders whose label contains TEXT (comma-separated)
      --rates LIST       load levels of the routing workloads, requests/s, comma-separated
      --out FILE         the report to write (default BENCHMARKS.md)
      --docs DIR         where the charts go (default docs)
      --no-write         print the report instead of writing files
      --from-json FILES  rewrite the report from saved runs (the raw results files runs name) without measuring;
                         comma-separated: each later run's parts replace the same parts of the earlier ones
      --seeds LIST       agentic part: only these seeds (comma-separated)
      --replica-counts LIST  agentic part: only these fleet sizes (comma-separated, e.g. 4)
      --shapes LIST      agentic part: only these shapes (few-large, many-small)
  -h, --help             this text
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
    if (values.worker === 'node-proxy') return runNodeProxyWorker(options);
    process.stderr.write(`vllm-pools bench: unknown worker ${values.worker}\n`);
    return 2;
  }
  if (values.only !== undefined && !PARTS.includes(values.only)) {
    process.stderr.write(`vllm-pools bench: --only takes one of ${PARTS.join(', ')}\n`);
    return 2;
  }
  if (values['from-json']) {
    return rewriteReport(values['from-json'].split(','), values.out ?? 'BENCHMARKS.md', values.docs ?? 'docs');
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
