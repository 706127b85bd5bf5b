// `vllm-pools serve`: load the config (exit 2 with FILE:LINE:COL lines when invalid), start the sidecar, print the
// one ready line on stdout, log to stderr; SIGTERM/SIGINT drain and exit 0, SIGHUP reloads.

import { loadConfigFile } from '../core/config/load';
import { formatIssue } from '../core/config/types';
import { createLogger, isLogLevel, type LogFormat } from '../sidecar/log';
import { startSidecar } from '../sidecar/sidecar';
import { parseCommandArgs } from './commandArgs';

const USAGE = `usage: vllm-pools serve [--config FILE] [--host HOST] [--port PORT] [--log-level LEVEL] [--log-format FORMAT] [--no-access-log]
  Runs the sidecar: one OpenAI-compatible endpoint in front of the pools of the config file.
  Prints "vllm-pools listening on http://HOST:PORT" when ready; logs go to stderr.
  SIGTERM/SIGINT: stop, letting requests in flight finish (shutdownGrace); SIGHUP: reload the config.

  -c, --config FILE     the config file (default: ./vllm-pools.yaml in the current folder)
      --host HOST       address to listen on, overrides listen.host (default 127.0.0.1)
  -p, --port PORT       port to listen on, overrides listen.port (default 8800; 0 picks a free port)
      --log-level LEVEL debug | info | warn | error (default info)
      --log-format FMT  text | json, one JSON object per line (default text)
      --no-access-log   no access line per finished request (at info there is one by default)
  -h, --help            this text
`;

export async function run(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    'serve',
    argv,
    {
      config: { type: 'string', short: 'c' },
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'no-access-log': { type: 'boolean' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  const level = values['log-level'] ?? 'info';
  const format = values['log-format'] ?? 'text';
  if (!isLogLevel(level) || (format !== 'text' && format !== 'json')) {
    process.stderr.write(`vllm-pools serve: bad --log-level or --log-format\n${USAGE}`);
    return 2;
  }
  const configPath = values.config ?? 'vllm-pools.yaml';
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`vllm-pools serve: --port must be 0..65535\n`);
      return 2;
    }
  }
  const logger = createLogger({ level, format: format as LogFormat, colour: process.stderr.isTTY === true });
  const loaded = loadConfigFile(configPath, process.env);
  const errors = loaded.issues.filter((issue) => issue.severity === 'error');
  for (const issue of loaded.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  if (!loaded.config || errors.length > 0) return 2;

  let sidecar: Awaited<ReturnType<typeof startSidecar>>;
  try {
    sidecar = await startSidecar({
      config: loaded.config,
      configPath,
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(port !== undefined ? { port } : {}),
      logger,
      env: process.env,
      accessLog: values['no-access-log'] !== true,
    });
  } catch (error) {
    process.stderr.write(`vllm-pools serve: ${error instanceof Error ? error.message : String(error)}\n`);
    return (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 1 : 2;
  }
  // The handlers go in before the ready line: whoever reads that line may signal at once, and a SIGHUP that came
  // before process.on('SIGHUP') would end the process (its default action).
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn(`${signal} again; exiting now`);
        process.exit(1);
      }
      stopping = true;
      logger.info(`${signal}: stopping; in-flight requests may finish`, {
        graceMs: sidecar.config().shutdownGrace,
        inflight: sidecar.inflight(),
      });
      sidecar.close().then(
        () => {
          logger.info('stopped');
          cleanup();
          resolve(0);
        },
        (error: unknown) => {
          logger.error('error while stopping', { error: String(error) });
          cleanup();
          resolve(1);
        },
      );
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    const onHup = () => {
      void sidecar.reload().then((result) => {
        if (result.ok) logger.info('SIGHUP: config reloaded');
        else for (const error of result.errors) logger.error(`SIGHUP: reload failed: ${error}`);
      });
    };
    const cleanup = () => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGHUP', onHup);
    };
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    process.on('SIGHUP', onHup);
    process.stdout.write(`vllm-pools listening on ${sidecar.url}\n`);
  });
}
