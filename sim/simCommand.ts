// Placeholder until this subcommand is built; it says so instead of pretending.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('vllm-pools: this command is not built yet\n');
  return 1;
}
