// Shared pieces of the reliability suite: child processes (the built CLI's `serve` and `sim`), their RSS, polling,
// SSE reading with a deadline, and the soak switch (VLLM_POOLS_SOAK=1 scales the load to the full figures).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Agent, request } from 'undici';
import { waitFor } from '../support/waitFor';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli.js');
export const SOAK = process.env['VLLM_POOLS_SOAK'] === '1';

export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'ignore' });
}

export interface Child {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Everything written to stderr, raw (for secret scans). */
  stderrText(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `node dist/cli.js ARGS` with its own environment (PATH plus `env`), collecting its lines. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const rawErr: string[] = [];
  const split = (into: string[]) => {
    let rest = '';
    return (chunk: Buffer) => {
      rest += chunk.toString('utf8');
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      into.push(...lines);
    };
  };
  child.stdout?.on('data', split(stdout));
  const onErr = split(stderr);
  child.stderr?.on('data', (chunk: Buffer) => {
    rawErr.push(chunk.toString('utf8'));
    onErr(chunk);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    stdout,
    stderr,
    stderrText: () => rawErr.join(''),
    exit,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** `serve` until its ready line; returns the base URL. */
export async function startServe(
  configPath: string,
  env: NodeJS.ProcessEnv = {},
  extra: string[] = [],
): Promise<Child & { base: string }> {
  const served = startCli(['serve', '--config', configPath, '--port', '0', ...extra], env);
  try {
    await waitFor(() => served.stdout.length > 0 || served.child.exitCode !== null, 20_000, 'the ready line');
  } catch (error) {
    served.kill('SIGKILL');
    throw error;
  }
  const match = /^vllm-pools listening on (https?:\/\/\S+)$/.exec(served.stdout[0] ?? '');
  if (!match) {
    served.kill('SIGKILL');
    throw new Error(`serve did not start: ${served.stdout.join('\n')}\n${served.stderr.slice(-20).join('\n')}`);
  }
  return Object.assign(served, { base: match[1] as string });
}

/** `sim` in its own process (so the simulator's CPU is not the client's); returns the replica URLs. */
export async function startSimChild(args: string[], replicas: number): Promise<Child & { urls: string[] }> {
  const sim = startCli(['sim', '--replicas', String(replicas), '--port', '0', ...args]);
  await waitFor(() => sim.stdout.filter((l) => l.includes('listening on')).length >= replicas, 20_000, 'the sim');
  const urls = sim.stdout
    .map((line) => /listening on (http:\/\/\S+)/.exec(line)?.[1])
    .filter((u): u is string => u !== undefined);
  return Object.assign(sim, { urls });
}

/** Resident set size of a process in KiB (Linux /proc/PID/status VmRSS). */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) : 0;
}

export interface StateView {
  pools: {
    name: string;
    replicas: { name: string; state: string; inflight: number; requests: number; errors: number }[];
  }[];
}

export async function adminState(base: string, token: string, dispatcher?: Agent): Promise<StateView> {
  const res = await request(`${base}/admin/state`, {
    headers: { authorization: `Bearer ${token}` },
    ...(dispatcher ? { dispatcher } : {}),
  });
  if (res.statusCode !== 200) throw new Error(`/admin/state answered ${res.statusCode}`);
  return (await res.body.json()) as StateView;
}

export function totalInflight(state: StateView): number {
  return state.pools.reduce((sum, pool) => sum + pool.replicas.reduce((s, r) => s + r.inflight, 0), 0);
}

export const MODEL = 'Qwen/Qwen3-0.6B';

export function chatBody(prompt: string, maxTokens: number, stream = true, model = MODEL): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: prompt }],
    stream,
    max_tokens: maxTokens,
    ignore_eos: true,
  });
}

/** The `created` field (Unix seconds, the replica's wall clock) is the only part of a sim stream that depends on when. */
export function normalizeCreated(text: string): string {
  return text.replace(/"created":\d+/g, '"created":0');
}

export function pct(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`;
}

export { waitFor };
