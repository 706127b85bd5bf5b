// vllm-pools CLI: serve | sim | demo | bench | export. Each subcommand lives in its own module.
import { parseArgs } from 'node:util';

const USAGE = `vllm-pools <command> [options]

Commands:
  serve   --config FILE [--host 127.0.0.1] [--port 8800] [--log-level info] [--log-format text|json]
  sim     [--replicas N] [--port P] [--model NAME] [--profile NAME] [--time-scale X] [--seed S] [--api-key KEY]
  demo    3 simulated replicas and the sidecar on a generated config
  bench   [...]   benchmarks (see BENCHMARKS.md)
  export  --config FILE --format nginx|haproxy|caddy|envoy [--listen HOST:PORT] [--out FILE]
`;

type Command = (argv: string[]) => Promise<number | undefined>;

const commands: Record<string, () => Promise<Command>> = {};

export function registerCommand(name: string, load: () => Promise<Command>): void {
  commands[name] = load;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`vllm-pools: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const run = await load();
  return (await run(rest)) ?? 0;
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

// Subcommands. Each module exports `run(argv): Promise<number | undefined>`.
registerCommand('serve', async () => (await import('./serveCommand')).run);
registerCommand('sim', async () => (await import('../sim/simCommand')).run);
registerCommand('demo', async () => (await import('../sim/demoCommand')).run);
registerCommand('bench', async () => (await import('../bench/benchCommand')).run);
registerCommand('export', async () => (await import('./export/exportCommand')).run);

export { parseArgs };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`vllm-pools: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
