// The bundled sidecar as a child process: spawn it (the editor's own Node, ELECTRON_RUN_AS_NODE), wait for its ready
// line, pipe its logs to the output channel, restart it with backoff when it dies, stop it gracefully.
// A new random admin token for every start unless the user configured one; secrets reach it only through its
// environment.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import type { ConfigIssue } from '../core/config/types';
import { SIDECAR_NODE_FLAGS } from '../core/sidecarNodeFlags';
import { Backoff } from './backoff';
import type { AdminConnection } from './sidecarClient';
import { isAddressInUse, parseIssueLine, parseLogLine, readyUrl } from './sidecarOutput';
import type { SidecarStatus } from './statusBarModel';

export interface SidecarLaunch {
  /** Absolute path of the config file. */
  configFile: string;
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** VLLM_POOLS_SECRET_* variables: the values of ${secret:NAME} references. */
  secretEnv: Record<string, string>;
  /** The admin token the user configured (VLLM_POOLS_ADMIN_TOKEN or admin.token); else a random one per start. */
  adminToken?: string;
}

/** Why the last run ended, when it was not asked to. */
export type SidecarFailure =
  | { kind: 'config'; issues: ConfigIssue[] }
  | { kind: 'port-in-use'; port: number }
  | { kind: 'crashed'; message: string };

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
/** A run that lasted this long was healthy: the restart backoff starts over. */
const STABLE_AFTER_MS = 60_000;
const MAX_CONSECUTIVE_RESTARTS = 6;

export class SidecarProcess implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private launch: SidecarLaunch | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly backoff = new Backoff(1000, 30_000);
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly failedEmitter = new vscode.EventEmitter<SidecarFailure>();
  private readyWaiters: ((ok: boolean) => void)[] = [];

  /** Fires on every status or connection change. */
  readonly onDidChange = this.changed.event;
  /** Fires when a run ends on its own with a reason worth showing the user. */
  readonly onDidFail = this.failedEmitter.event;

  status: SidecarStatus = 'stopped';
  /** A short word on the current status ("restarting in 4s", "port 8800 is in use"). */
  detail: string | undefined;
  connection: AdminConnection | undefined;

  constructor(
    private readonly cliPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get configFile(): string | undefined {
    return this.launch?.configFile;
  }

  get port(): number | undefined {
    return this.launch?.port;
  }

  /** The child's process id while it runs (tests, diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts (or restarts with new settings); resolves true once ready, false if it fails for good or is stopped first. */
  async start(launch: SidecarLaunch): Promise<boolean> {
    this.clearRestart();
    if (this.child) await this.stop();
    this.launch = launch;
    this.backoff.reset();
    this.stopping = false;
    const ready = new Promise<boolean>((resolve) => this.readyWaiters.push(resolve));
    this.spawnOnce();
    return ready;
  }

  async stop(): Promise<void> {
    this.clearRestart();
    const child = this.child;
    if (!child) {
      this.setStatus('stopped', undefined);
      this.settleReady(false);
      return;
    }
    this.stopping = true;
    this.log.info('stopping the sidecar');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.log.warn(`the sidecar did not stop within ${STOP_GRACE_MS / 1000}s; killing it`);
      child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  /**
   * A start that failed before any child was spawned (its port is taken): "failed" with the reason, as a run that
   * ends on its own would be, so that the status bar, the tree and the output say why nothing runs.
   */
  markFailed(detail: string): void {
    if (this.child) return;
    this.clearRestart();
    this.log.warn(`the sidecar did not start: ${detail}`);
    this.setStatus('failed', detail);
    this.settleReady(false);
  }

  dispose(): void {
    this.clearRestart();
    this.stopping = true;
    this.child?.kill('SIGTERM');
    this.changed.dispose();
    this.failedEmitter.dispose();
  }

  private spawnOnce(): void {
    const launch = this.launch!;
    const token = launch.adminToken ?? randomBytes(32).toString('hex');
    const args = [
      ...SIDECAR_NODE_FLAGS,
      this.cliPath,
      'serve',
      '--config',
      launch.configFile,
      '--port',
      String(launch.port),
      '--log-level',
      launch.logLevel,
      '--log-format',
      'json',
    ];
    // The command line holds no secret; the token and keys are in the environment only.
    this.log.info(`starting the sidecar: serve --config ${launch.configFile} --port ${launch.port}`);
    this.setStatus('starting', undefined);
    const startedAt = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: dirname(launch.configFile),
      env: { ...process.env, ...launch.secretEnv, ELECTRON_RUN_AS_NODE: '1', VLLM_POOLS_ADMIN_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    const issues: ConfigIssue[] = [];
    let addressInUse = false;
    let lastError = '';

    const readyTimer = setTimeout(() => {
      if (this.child === child && this.status !== 'running') {
        this.log.error(`the sidecar printed no ready line within ${READY_TIMEOUT_MS / 1000}s; stopping it`);
        child.kill('SIGKILL');
      }
    }, READY_TIMEOUT_MS);

    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = readyUrl(line);
      if (url && this.child === child) {
        clearTimeout(readyTimer);
        this.connection = { baseUrl: url, token };
        this.log.info(line);
        this.setStatus('running', undefined);
        this.settleReady(true);
      } else if (line.trim()) {
        this.log.info(line);
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (!line.trim()) return;
      const issue = parseIssueLine(line);
      if (issue) issues.push(issue);
      if (isAddressInUse(line)) addressInUse = true;
      const { level, text } = parseLogLine(line);
      if (level === 'error') lastError = text;
      this.log[level](text);
    });
    child.on('error', (error) => {
      lastError = error.message;
      this.log.error(`cannot start the sidecar: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(readyTimer);
      if (this.child !== child) return;
      this.child = undefined;
      this.connection = undefined;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (this.stopping) {
        this.log.info(`the sidecar stopped (${how})`);
        this.setStatus('stopped', undefined);
        this.settleReady(false);
        return;
      }
      this.log.warn(`the sidecar exited (${how})`);
      if (code === 2 && issues.some((i) => i.severity === 'error')) {
        return this.fail({ kind: 'config', issues }, 'the config has errors');
      }
      if (code === 2 && !addressInUse) {
        return this.fail({ kind: 'crashed', message: lastError || `exit ${how}` }, lastError || 'invalid arguments');
      }
      if (addressInUse) return this.fail({ kind: 'port-in-use', port: launch.port }, `port ${launch.port} is in use`);
      if (Date.now() - startedAt > STABLE_AFTER_MS) this.backoff.reset();
      if (this.backoff.failures >= MAX_CONSECUTIVE_RESTARTS) {
        return this.fail(
          { kind: 'crashed', message: lastError || `exit ${how}` },
          `exited ${this.backoff.failures + 1} times`,
        );
      }
      const delay = this.backoff.next();
      this.log.info(`restarting the sidecar in ${Math.round(delay / 1000)}s`);
      this.setStatus('starting', `restarting in ${Math.round(delay / 1000)}s after ${how}`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (!this.stopping) this.spawnOnce();
      }, delay);
    });
  }

  private fail(failure: SidecarFailure, detail: string): void {
    this.setStatus('failed', detail);
    this.settleReady(false);
    this.failedEmitter.fire(failure);
  }

  private settleReady(ok: boolean): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve(ok);
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private setStatus(status: SidecarStatus, detail: string | undefined): void {
    this.status = status;
    this.detail = detail;
    this.changed.fire();
  }
}
