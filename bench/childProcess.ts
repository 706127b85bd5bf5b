// Bench helpers run as child processes of the same CLI (`vllm-pools bench --worker KIND`), so the fleet, each
// proxy and the load generator get their own event loop, as they would in use.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { SIDECAR_NODE_FLAGS } from '../core/sidecarNodeFlags';

const tracked = new Set<ChildProcess>();
let handlersInstalled = false;

/**
 * Remembers a child so that an interrupted bench (Ctrl-C, SIGTERM) stops it instead of leaving a proxy or a fleet
 * running; the child is forgotten when it exits.
 */
export function trackChild(child: ChildProcess): void {
  tracked.add(child);
  child.once('exit', () => tracked.delete(child));
  if (handlersInstalled) return;
  handlersInstalled = true;
  const stopAll = (signal: NodeJS.Signals) => {
    for (const c of tracked) c.kill('SIGTERM');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
}

/** The CLI this process runs from (dist/cli.js). */
export function cliPath(): string {
  const path = process.argv[1];
  if (!path) throw new Error('cannot tell which CLI file to start workers from');
  return path;
}

export interface Worker<Ready> {
  child: ChildProcess;
  ready: Ready;
  /** Sends a message and waits for the reply of the given type. */
  call<T>(message: { type: string; [key: string]: unknown }, replyType: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function startWorker<Ready>(kind: string, options: unknown, timeoutMs = 30_000): Promise<Worker<Ready>> {
  const child = fork(cliPath(), ['bench', '--worker', kind, '--worker-options', JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  trackChild(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = <T>(type: string, ms: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        reject(new Error(`worker ${kind}: no "${type}" within ${ms} ms`));
      }, ms);
      const onExit = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        reject(new Error(`worker ${kind} exited`));
      };
      const onMessage = (message: unknown) => {
        const m = message as { type?: string };
        if (m?.type !== type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as T);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const stop = stopper(child, exited);
  let ready: Ready;
  try {
    ready = await waitFor<Ready>('ready', timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    child,
    ready,
    call: (message, replyType, ms = 60_000) => {
      const reply = waitFor<never>(replyType, ms);
      child.send(message);
      return reply;
    },
    stop,
  };
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited 5 s later; resolves once it has exited. */
function stopper(child: ChildProcess, exited: Promise<void>): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
}

export interface ServeProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `vllm-pools serve --config FILE --port 0` as a user runs it; resolves on its ready line. */
export async function startServe(configFile: string, timeoutMs = 30_000): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [...SIDECAR_NODE_FLAGS, cliPath(), 'serve', '--config', configFile, '--port', '0', '--log-level', 'error'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = stopper(child, exited);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`serve did not print its ready line within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before it was ready`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  child.stdout?.resume();
  return { url, pid: child.pid ?? 0, stop };
}

/** Resident set size of a process and its children (nginx: master + worker), from /proc, in bytes. */
export function rssBytes(pid: number, readFile: (path: string) => string): number {
  let total = 0;
  const pids = [pid, ...childPids(pid, readFile)];
  for (const p of pids) {
    try {
      const status = readFile(`/proc/${p}/status`);
      const match = /VmRSS:\s+(\d+) kB/.exec(status);
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

function childPids(pid: number, readFile: (path: string) => string): number[] {
  try {
    const text = readFile(`/proc/${pid}/task/${pid}/children`).trim();
    return text ? text.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

/** CPU time (user + system) of a process and its children, ms, from /proc/PID/stat (clock ticks of 10 ms). */
export function cpuMs(pid: number, readFile: (path: string) => string): number {
  let total = 0;
  for (const p of [pid, ...childPids(pid, readFile)]) {
    try {
      const stat = readFile(`/proc/${p}/stat`);
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // gone
    }
  }
  return total;
}
