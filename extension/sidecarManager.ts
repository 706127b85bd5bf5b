// The sidecar as the user sees it: which config, which port, whether it may start (settings, workspace trust),
// the config file watched and applied by reload, and the live state followed while it runs.
import * as vscode from 'vscode';
import { BUNDLES } from '../core/bundles';
import { resolveAdminToken, resolveClientToken } from './clientToken';
import { ConfigDiagnostics } from './configDiagnostics';
import { CONFIG_GLOB, isBlockedByTrust, locateConfig } from './configLocation';
import { LiveState } from './liveState';
import { isPortFree, nextFreePort } from './portProbe';
import type { SecretStore } from './secretStore';
import { type AdminConnection, SidecarClient } from './sidecarClient';
import { parseIssueLine } from './sidecarOutput';
import { type SidecarFailure, type SidecarLaunch, SidecarProcess } from './sidecarProcess';

export const DEFAULT_PORT = 8800;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export interface StartOptions {
  /** Started by the user (messages for every obstacle) rather than automatically (quiet). */
  interactive: boolean;
  /** A port for this run only, instead of the setting. */
  port?: number;
}

export class SidecarManager implements vscode.Disposable {
  readonly process: SidecarProcess;
  readonly live: LiveState;
  readonly diagnostics = new ConfigDiagnostics();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly configEmitter = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires when the config file appears, moves or disappears. */
  readonly onDidChangeConfigFile = this.configEmitter.event;
  private readonly refuseEmitter = new vscode.EventEmitter<{ uri: vscode.Uri; message: string }>();
  /** The running sidecar did not take a saved config: invalid (it was not sent), or its reload refused it. */
  readonly onDidRefuseConfig = this.refuseEmitter.event;
  configUri: vscode.Uri | undefined;
  /** The user stopped it: no automatic start until they start it again. */
  private stoppedByUser = false;
  private portOverride: number | undefined;
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly secrets: SecretStore,
  ) {
    this.process = new SidecarProcess(`${extensionPath}/${BUNDLES.sidecar.outfile}`, log);
    this.live = new LiveState(log);
    const watcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    const onFile = () => this.configFileChanged();
    this.disposables.push(
      this.process,
      this.live,
      this.diagnostics,
      this.configEmitter,
      this.refuseEmitter,
      watcher,
      watcher.onDidChange(onFile),
      watcher.onDidCreate(onFile),
      watcher.onDidDelete(onFile),
      this.process.onDidChange(() => this.live.follow(this.process.connection)),
      this.process.onDidFail((failure) => void this.reportFailure(failure)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('vllmPools.configPath')) onFile();
        if (['vllmPools.port', 'vllmPools.logLevel'].some((s) => e.affectsConfiguration(s))) {
          this.portOverride = undefined;
          if (this.process.status === 'running') void this.restart();
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.autoStart()),
    );
  }

  get status() {
    return this.process.status;
  }

  /** An admin API client for the running sidecar, or undefined. */
  client(): SidecarClient | undefined {
    const connection: AdminConnection | undefined = this.process.connection;
    return connection ? new SidecarClient(connection) : undefined;
  }

  /** The local OpenAI-compatible endpoint (…/v1) of the running sidecar, or the one it will have. */
  endpoint(): string {
    return (
      this.live.snapshot?.endpoint ??
      (this.process.connection ? `${this.process.connection.baseUrl}/v1` : `http://127.0.0.1:${this.port()}/v1`)
    );
  }

  /**
   * The token for the extension's own calls to the local endpoint (chat, Connect an AI Tool): the clientToken of the
   * config file the sidecar runs on, resolved from SecretStorage and the environment as for the child process.
   */
  async clientToken(): Promise<string | undefined> {
    const file = this.process.configFile ?? this.configUri?.fsPath;
    let text: string | undefined;
    if (file) {
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
      } catch {
        text = undefined;
      }
    }
    const secretEnv = text === undefined ? {} : await this.secrets.envFor(text);
    return resolveClientToken(text, { ...process.env, ...secretEnv });
  }

  /** Finds the config, shows its diagnostics and starts the sidecar when settings and trust allow. Never throws. */
  async autoStart(): Promise<void> {
    try {
      await this.refreshConfigLocation();
      if (this.configUri) await this.checkConfig(this.configUri);
      const enabled = vscode.workspace.getConfiguration('vllmPools').get<boolean>('autoStart', true);
      if (!enabled || this.stoppedByUser || !this.configUri || !vscode.workspace.isTrusted) return;
      if (this.process.status === 'running' || this.process.status === 'starting') return;
      await this.start({ interactive: false });
    } catch (error) {
      this.log.error(`automatic start failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async start(options: StartOptions): Promise<boolean> {
    this.stoppedByUser = false;
    await this.refreshConfigLocation();
    const uri = this.configUri;
    if (!uri) {
      if (options.interactive) {
        const create = 'Create vllm-pools.yaml';
        const choice = await vscode.window.showWarningMessage(
          'vLLM Pools: no vllm-pools.yaml in this workspace.',
          create,
        );
        if (choice === create) await vscode.commands.executeCommand('vllmPools.createConfig');
      }
      return false;
    }
    if (isBlockedByTrust(uri)) {
      const message =
        'vLLM Pools: this workspace is not trusted, so its vllm-pools.yaml will not start the sidecar (the config decides where prompts and keys go).';
      this.log.warn(message);
      if (options.interactive) {
        const manage = 'Manage Workspace Trust';
        if ((await vscode.window.showWarningMessage(message, manage)) === manage) {
          await vscode.commands.executeCommand('workbench.trust.manage');
        }
      }
      return false;
    }
    const port = options.port ?? this.port();
    if (port !== 0 && !(await isPortFree(port))) {
      // Failed until the user takes the offered port: dismissing the offer must not look like a clean stop.
      this.setPortInUse(port);
      this.process.markFailed(`port ${port} is in use`);
      void this.offerNextPort(port);
      return false;
    }
    this.setPortInUse(undefined);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const secretEnv = await this.secrets.envFor(text);
    const issues = await this.diagnostics.check(uri, { ...process.env, ...secretEnv });
    if (issues.some((i) => i.severity === 'error')) {
      this.log.warn(`not starting: ${uri.fsPath} has ${issues.filter((i) => i.severity === 'error').length} error(s)`);
      if (options.interactive) await this.showConfigErrors(uri);
      return false;
    }
    const adminToken = resolveAdminToken(text, { ...process.env, ...secretEnv });
    const launch: SidecarLaunch = {
      configFile: uri.fsPath,
      port,
      logLevel: this.logLevel(),
      secretEnv,
      ...(adminToken ? { adminToken } : {}),
    };
    return this.process.start(launch);
  }

  async stop(): Promise<void> {
    this.stoppedByUser = true;
    await this.process.stop();
  }

  async restart(): Promise<boolean> {
    await this.process.stop();
    return this.start({ interactive: true, port: this.portOverride });
  }

  /** Shows the config's problems as diagnostics (the loader only parses: safe in an untrusted workspace too). */
  private async checkConfig(uri: vscode.Uri): Promise<void> {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    await this.diagnostics.check(uri, { ...process.env, ...(await this.secrets.envFor(text)) });
  }

  /** Re-checks the config after a change; applies it to the running sidecar by POST /admin/reload. */
  async applyConfig(): Promise<void> {
    const before = this.configUri?.toString();
    await this.refreshConfigLocation();
    const uri = this.configUri;
    if (!uri) return;
    this.setPortInUse(undefined);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const secretEnv = await this.secrets.envFor(text);
    const issues = await this.diagnostics.check(uri, { ...process.env, ...secretEnv });
    const valid = !issues.some((i) => i.severity === 'error');
    const client = this.client();
    if (client && this.process.configFile !== uri.fsPath) {
      if (valid) await this.restart();
      return;
    }
    if (client) {
      if (!valid) {
        this.log.warn('the config has errors; the sidecar keeps running on the previous one');
        const first = issues.find((i) => i.severity === 'error');
        this.refuseEmitter.fire({
          uri,
          message: first ? `line ${first.line}: ${first.message}` : 'the config has errors',
        });
        return;
      }
      const result = await client.reload();
      if (result.ok) {
        this.log.info(`config reloaded from ${uri.fsPath}`);
        return;
      }
      const reported = result.errors.map(parseIssueLine).filter((i) => i !== undefined);
      if (reported.length > 0) await this.diagnostics.show(reported, uri);
      this.log.warn(`the sidecar refused the new config: ${result.errors.join('; ')}`);
      this.refuseEmitter.fire({ uri, message: result.errors[0] ?? 'invalid' });
      void vscode.window.showWarningMessage(
        `vLLM Pools: the config was not applied: ${result.errors[0] ?? 'invalid'}. The sidecar keeps the previous one.`,
      );
      return;
    }
    const waitingForFix = this.process.status === 'failed' || before !== uri.toString();
    if (valid && waitingForFix) await this.autoStart();
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    for (const d of this.disposables) d.dispose();
  }

  /** Stops the child and waits for it (deactivate). */
  async shutdown(): Promise<void> {
    await this.process.stop();
  }

  port(): number {
    if (this.portOverride !== undefined) return this.portOverride;
    const port = vscode.workspace.getConfiguration('vllmPools').get<number>('port', DEFAULT_PORT);
    return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : DEFAULT_PORT;
  }

  private logLevel(): SidecarLaunch['logLevel'] {
    const level = vscode.workspace.getConfiguration('vllmPools').get<string>('logLevel', 'info');
    return (LOG_LEVELS as readonly string[]).includes(level) ? (level as SidecarLaunch['logLevel']) : 'info';
  }

  private async refreshConfigLocation(): Promise<void> {
    const uri = await locateConfig();
    const changed = uri?.toString() !== this.configUri?.toString();
    this.configUri = uri;
    await vscode.commands.executeCommand('setContext', 'vllmPools.hasConfig', uri !== undefined);
    if (changed) {
      if (!uri) this.diagnostics.clear();
      this.configEmitter.fire(uri);
    }
  }

  private configFileChanged(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.applyConfig().catch((error: unknown) =>
        this.log.error(`applying the config failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, 250);
  }

  /** The port found taken at the last start, while that start stays failed (the Pools view offers its actions). */
  portInUse: number | undefined;

  private setPortInUse(port: number | undefined): void {
    this.portInUse = port;
    void vscode.commands.executeCommand('setContext', 'vllmPools.portInUse', port !== undefined);
  }

  private async offerNextPort(port: number): Promise<void> {
    this.setPortInUse(port);
    const next = await nextFreePort(port);
    const message = `vLLM Pools: port ${port} is already in use (another sidecar or program listens there).`;
    this.log.warn(message);
    const useNext = next === undefined ? undefined : `Use Port ${next}`;
    const settings = 'Change Port Setting';
    const choice = await vscode.window.showWarningMessage(message, ...(useNext ? [useNext] : []), settings);
    if (choice && choice === useNext && next !== undefined) await this.useNextFreePort(next);
    else if (choice === settings) await this.changePortSetting();
  }

  /** "Use Port N" of the notification and of the Pools view: this run on the next free port after the taken one. */
  async useNextFreePort(next?: number): Promise<boolean> {
    const port = next ?? (await nextFreePort(this.portInUse ?? this.port()));
    if (port === undefined) {
      void vscode.window.showWarningMessage('vLLM Pools: no free port found near the configured one.');
      return false;
    }
    this.portOverride = port;
    return this.start({ interactive: true, port });
  }

  async changePortSetting(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'vllmPools.port');
  }

  private async reportFailure(failure: SidecarFailure): Promise<void> {
    if (failure.kind === 'config') {
      if (this.configUri) await this.diagnostics.show(failure.issues, this.configUri);
      if (this.configUri) await this.showConfigErrors(this.configUri);
    } else if (failure.kind === 'port-in-use') {
      await this.offerNextPort(failure.port);
    } else {
      const logs = 'Show Logs';
      const choice = await vscode.window.showErrorMessage(`vLLM Pools: the sidecar stopped: ${failure.message}`, logs);
      if (choice === logs) this.log.show();
    }
  }

  private async showConfigErrors(uri: vscode.Uri): Promise<void> {
    const open = 'Open Config';
    const choice = await vscode.window.showErrorMessage(
      'vLLM Pools: the config has errors (see Problems); the sidecar starts once they are fixed.',
      open,
    );
    if (choice === open) await vscode.window.showTextDocument(uri);
  }
}
