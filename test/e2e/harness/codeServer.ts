// code-server (VS Code in the browser) as a child process: a fresh profile and extensions dir per run.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { codeServerBin, pathWithNode22 } from './paths';
import { type ManagedProcess, startProcess } from './processes';
import { waitFor } from './waitFor';

const run = promisify(execFile);

export interface CodeServerDirs {
  userDataDir: string;
  extensionsDir: string;
  xdgDir: string;
  logDir: string;
}

export function codeServerDirs(base: string): CodeServerDirs {
  const dirs = {
    userDataDir: join(base, 'user-data'),
    extensionsDir: join(base, 'extensions'),
    xdgDir: join(base, 'xdg'),
    logDir: join(base, 'logs'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  return dirs;
}

function codeServerEnv(dirs: CodeServerDirs, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...extra,
    PATH: pathWithNode22(),
    // code-server keeps its own config.yaml under XDG_CONFIG_HOME: keep it out of the user's home.
    XDG_CONFIG_HOME: join(dirs.xdgDir, 'config'),
    XDG_DATA_HOME: join(dirs.xdgDir, 'data'),
  };
}

export async function installExtension(dirs: CodeServerDirs, vsix: string): Promise<void> {
  const { stdout, stderr } = await run(
    codeServerBin,
    ['--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', vsix],
    { env: codeServerEnv(dirs, {}), timeout: 120_000 },
  );
  const output = `${stdout}\n${stderr}`;
  if (!/successfully installed/i.test(output)) throw new Error(`installing ${vsix} failed:\n${output}`);
}

export interface CodeServer {
  url: string;
  process: ManagedProcess;
}

export async function startCodeServer(
  dirs: CodeServerDirs,
  folder: string,
  env: NodeJS.ProcessEnv,
): Promise<CodeServer> {
  const process = startProcess(
    'code-server',
    codeServerBin,
    [
      '--auth',
      'none',
      '--bind-addr',
      '127.0.0.1:0',
      '--user-data-dir',
      dirs.userDataDir,
      '--extensions-dir',
      dirs.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      folder,
    ],
    { env: codeServerEnv(dirs, env), logFile: join(dirs.logDir, 'code-server.log') },
  );
  const match = await process.waitForLine(/HTTP server listening on (http:\/\/[\d.]+:\d+)/, 60_000);
  const url = match[1]!;
  await waitFor(
    'code-server /healthz',
    async () => {
      const response = await fetch(`${url}/healthz`);
      return response.ok;
    },
    { timeoutMs: 30_000 },
  );
  return { url, process };
}
