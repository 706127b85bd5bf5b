// One end-to-end session: simulated replicas, a workspace for them, code-server with the packaged extension, and a
// Chromium page on it. Scenarios share it in order; stop() ends every process it started, even after a failure.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { freePort } from '../../../bench/freePort';
import { type CodeServer, codeServerDirs, installExtension, startCodeServer } from './codeServer';
import { artifactsDir, chromiumPath, e2eDir, extensionVsix, lmTestExtensionDir, repoRoot } from './paths';
import { findListener } from './portOwner';
import { stopAll } from './processes';
import { SidecarClient } from './sidecarClient';
import { type SimReplica, startSimReplica, startSimReplicas } from './simReplicas';
import { Workbench } from './workbench';
import { writeUserSettings, writeWorkspace } from './workspace';

const run = promisify(execFile);

/** Simulated model delays run this much faster than on GPUs: streams last a second or two, not tens. */
export const SIM_TIME_SCALE = 0.2;

export class Session {
  replicas: SimReplica[] = [];
  codeServer: CodeServer | undefined;
  browser: Browser | undefined;
  workbench!: Workbench;
  sidecar!: SidecarClient;
  configPath = '';
  folder = '';
  logDir = '';

  private constructor(readonly base: string) {}

  static async start(replicaCount: number): Promise<Session> {
    const base = join(e2eDir, 'run');
    rmSync(base, { recursive: true, force: true });
    rmSync(artifactsDir, { recursive: true, force: true });
    const session = new Session(base);
    try {
      await session.setUp(replicaCount);
    } catch (error) {
      await session.stop();
      throw error;
    }
    return session;
  }

  private async setUp(replicaCount: number): Promise<void> {
    const dirs = codeServerDirs(this.base);
    this.logDir = dirs.logDir;
    writeUserSettings(dirs.userDataDir);
    this.folder = join(this.base, 'workspace');
    mkdirSync(this.folder, { recursive: true });

    const lmVsix = join(this.base, 'lm-test-extension.vsix');
    const [replicas, sidecarPort] = await Promise.all([
      startSimReplicas(replicaCount, this.logDir, SIM_TIME_SCALE),
      freePort(),
      packageLmTestExtension(join(this.base, 'lm-test-extension'), lmVsix),
    ]);
    this.replicas = replicas;
    this.configPath = writeWorkspace(this.folder, { replicaUrls: replicas.map((r) => r.url), sidecarPort });

    this.sidecar = new SidecarClient(sidecarPort);

    await installExtension(dirs, extensionVsix);
    await installExtension(dirs, lmVsix);
    // Debug level: the extension's log then has the chat provider's timing line (lmChat prints it).
    this.codeServer = await startCodeServer(dirs, this.folder, { LOG_LEVEL: 'debug' });
    this.browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    this.workbench = await Workbench.open(this.browser, this.codeServer.url, this.folder);
  }

  /** Starts one more simulated replica (for scenarios that add one). */
  async addReplica(): Promise<SimReplica> {
    const replica = await startSimReplica(this.replicas.length, this.logDir, SIM_TIME_SCALE);
    this.replicas.push(replica);
    return replica;
  }

  /** The sidecar process the extension spawned (found by its port), if one listens. */
  sidecarProcess(): { pid: number; cmdline: string } | undefined {
    return findListener(this.sidecar.port);
  }

  async stop(): Promise<void> {
    const sidecar = this.sidecar ? this.sidecarProcess() : undefined;
    await this.browser?.close().catch(() => undefined);
    await stopAll();
    // The extension stops its sidecar on deactivate; if code-server died too fast for that, end it here.
    if (sidecar) {
      try {
        process.kill(sidecar.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Packages test/e2e/lm-test-extension into a .vsix with the project's vsce. */
async function packageLmTestExtension(workDir: string, vsix: string): Promise<void> {
  cpSync(lmTestExtensionDir, workDir, { recursive: true });
  const vsce = join(repoRoot, 'node_modules/.bin/vsce');
  if (!existsSync(vsce)) throw new Error('vsce not found: run npm ci');
  await run(vsce, ['package', '--allow-missing-repository', '--skip-license', '--no-dependencies', '-o', vsix], {
    cwd: workDir,
    timeout: 60_000,
  });
}
