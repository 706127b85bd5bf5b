// Child processes of the suite: each in its own process group (so its own children die with it), output logged to a
// file, lines observable while it runs. Every process started here is stopped by stopAll(), even after a failure.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the first stdout/stderr line matching `pattern` (lines already seen count too). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to the group, then SIGKILL after `graceMs`; resolves once the process exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the group at once, as a crash would. */
  kill(): Promise<void>;
  exited(): boolean;
}

const running = new Set<ManagedProcess>();

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string },
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${command}`);
  const pid = child.pid;
  const log: WriteStream = createWriteStream(options.logFile, { flags: 'a' });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let exitedFlag = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      log.write(`[${name} exited: code ${code} signal ${signal}]\n`);
      resolve();
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      if (lines.length < 5000) lines.push(line);
      for (const listener of listeners) listener(line);
    });
  }

  const managed: ManagedProcess = {
    name,
    child,
    pid,
    exited: () => exitedFlag,
    waitForLine(pattern, timeoutMs) {
      for (const line of lines) {
        const match = line.match(pattern);
        if (match) return Promise.resolve(match);
      }
      return new Promise((resolve, reject) => {
        const done = (error: Error | undefined, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          listeners.delete(onLine);
          if (error) reject(error);
          else resolve(match!);
        };
        const onLine = (line: string) => {
          const match = line.match(pattern);
          if (match) done(undefined, match);
        };
        const timer = setTimeout(
          () =>
            done(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms (log: ${options.logFile})`)),
          timeoutMs,
        );
        listeners.add(onLine);
        void exit.then(() => done(new Error(`${name} exited before printing ${pattern} (log: ${options.logFile})`)));
      });
    },
    async stop(graceMs = 5000) {
      if (!exitedFlag) {
        signalGroup(pid, 'SIGTERM');
        await Promise.race([exit, delay(graceMs)]);
        if (!exitedFlag) signalGroup(pid, 'SIGKILL');
        await Promise.race([exit, delay(2000)]);
      }
      // Stragglers of the group (children that outlived their parent) go too.
      signalGroup(pid, 'SIGKILL');
      running.delete(managed);
      log.end();
    },
    async kill() {
      signalGroup(pid, 'SIGKILL');
      await Promise.race([exit, delay(5000)]);
      running.delete(managed);
    },
  };
  running.add(managed);
  return managed;
}

/** Stops every process still running, newest first. */
export async function stopAll(): Promise<void> {
  for (const managed of [...running].reverse()) await managed.stop(3000);
}

function killAllNow(): void {
  for (const managed of running) signalGroup(managed.pid, 'SIGKILL');
}

// Last resort when the test process dies without running its `after` hooks (a crash, or the runner's SIGTERM).
process.once('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAllNow();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}
