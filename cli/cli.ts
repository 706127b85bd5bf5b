// vllm-pools CLI: serve | sim | demo | bench | export. The composition root: the only room that imports sim/ and bench/.
import { type CommandTable, runMain } from './commandTable';

const USAGE = `vllm-pools <command> [options]

Commands:
  serve   [--config FILE] [--host 127.0.0.1] [--port 8800] [--log-level info] [--log-format text|json]
          the sidecar; FILE defaults to ./vllm-pools.yaml
  sim     [--replicas N] [--port P] [--model NAME] [--profile NAME] [--time-scale X] [--seed S] [--api-key KEY]
  demo    [--port 8800] 3 simulated replicas and the sidecar on a generated config (what npm start runs)
  bench   [--quick] [--only PART] ...   benchmarks (see BENCHMARKS.md)
  export  --format nginx|haproxy|caddy|envoy [--config FILE] [--listen HOST:PORT] [--out FILE]

Run vllm-pools <command> --help for a command's options.
`;

const commands: CommandTable = {
  serve: async () => (await import('./serveCommand')).run,
  sim: async () => (await import('./simCommand')).run,
  demo: async () => (await import('./demoCommand')).run,
  bench: async () => (await import('./benchCommand')).run,
  export: async () => (await import('./exportCommand')).run,
};

runMain(commands, USAGE);
