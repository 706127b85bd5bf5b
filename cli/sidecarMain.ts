// The binary the VS Code extension spawns (dist/sidecar.js): `serve` only, without the simulator and benchmarks.
import { type CommandTable, runMain } from './commandTable';

const USAGE = `vllm-pools sidecar: serve --config FILE [--host 127.0.0.1] [--port 8800] [--log-level info] [--log-format text|json]
`;

const commands: CommandTable = {
  serve: async () => (await import('./serveCommand')).run,
};

runMain(commands, USAGE);
