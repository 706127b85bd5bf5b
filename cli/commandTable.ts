// The subcommand dispatcher shared by both binaries: `vllm-pools` (every command) and the extension's sidecar
// binary (serve only, so the spawned process carries neither the simulator nor the benchmarks).

export type Command = (argv: string[]) => Promise<number | undefined>;
export type CommandTable = Record<string, () => Promise<Command>>;

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

export async function runCommand(commands: CommandTable, usage: string, argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`vllm-pools: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  const run = await load();
  return (await run(rest)) ?? 0;
}

/** Runs the command line and sets the exit code; an unexpected error is one line on stderr, exit 1. */
export function runMain(commands: CommandTable, usage: string): void {
  runCommand(commands, usage, process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`vllm-pools: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
