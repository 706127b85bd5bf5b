// One function per `vllmPools.*` command of package.json. Tree context menus pass the clicked element; scripts may
// pass "pool/replica" strings (see commandArgs.ts); from the palette the command asks.
import * as vscode from 'vscode';
import {
  addReplica,
  ConfigEditError,
  outlineConfig,
  removeReplica,
  STARTER_CONFIG,
  secretReferences,
  setAlgorithm,
  setAlgorithmEverywhere,
  setReplicaSecret,
} from '../core/config/edit';
import { isAnyExportFormat } from '../core/export/exportConfig';
import { type AlgorithmId, isAlgorithmId } from '../core/protocol';
import {
  type AlgorithmScopes,
  algorithmPickItems,
  algorithmTarget,
  currentAlgorithm,
  defaultReplicaName,
  normalizeReplicaUrl,
  poolTargetOf,
  type ReplicaTarget,
  replicaNameToWrite,
  replicaTargetOf,
  resolveReplica,
  scopePickItems,
} from './commandArgs';
import { type ConfigEditOutcome, editConfigDocument } from './configDocumentEdit';
import { newConfigLocation } from './configLocation';
import { showDashboard } from './dashboard/panel';
import { exportConfigAsShown, exportErrorMessage, exportFormatItems, exportLanguageId } from './exportFormats';
import { fetchModelIds } from './replicaProbe';
import type { SecretStore } from './secretStore';
import type { SidecarManager } from './sidecarManager';

/** `${secret:NAME}`, written so that it reads as YAML text, not as a template. */
const SECRET_REF = `$${'{'}secret:NAME}`;

export interface CommandDeps {
  manager: SidecarManager;
  secrets: SecretStore;
  log: vscode.LogOutputChannel;
}

export const COMMAND_IDS = [
  'vllmPools.startSidecar',
  'vllmPools.stopSidecar',
  'vllmPools.restartSidecar',
  'vllmPools.switchAlgorithm',
  'vllmPools.addReplica',
  'vllmPools.removeReplica',
  'vllmPools.drainReplica',
  'vllmPools.enableReplica',
  'vllmPools.setApiKey',
  'vllmPools.copyEndpointUrl',
  'vllmPools.openConfig',
  'vllmPools.createConfig',
  'vllmPools.showLogs',
  'vllmPools.openDashboard',
  'vllmPools.exportConfig',
  'vllmPools.useNextFreePort',
  'vllmPools.changePortSetting',
] as const;

type CommandId = (typeof COMMAND_IDS)[number];

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const handlers: Record<CommandId, (...args: unknown[]) => unknown> = {
    'vllmPools.startSidecar': () => startSidecar(deps),
    'vllmPools.stopSidecar': () => stopSidecar(deps),
    'vllmPools.restartSidecar': () => restartSidecar(deps),
    'vllmPools.switchAlgorithm': (arg, algorithm) => switchAlgorithm(deps, arg, algorithm),
    'vllmPools.addReplica': (arg, url) => addReplicaCommand(deps, arg, url),
    'vllmPools.removeReplica': (arg) => removeReplicaCommand(deps, arg),
    'vllmPools.drainReplica': (arg) => setDraining(deps, arg, true),
    'vllmPools.enableReplica': (arg) => setDraining(deps, arg, false),
    // The Pools view's actions for a taken port (the same as the notification's).
    'vllmPools.useNextFreePort': () => deps.manager.useNextFreePort(),
    'vllmPools.changePortSetting': () => deps.manager.changePortSetting(),
    'vllmPools.setApiKey': (arg) => setApiKey(deps, arg),
    'vllmPools.copyEndpointUrl': () => copyEndpointUrl(deps),
    'vllmPools.openConfig': () => openConfig(deps),
    'vllmPools.createConfig': () => createConfig(deps),
    'vllmPools.showLogs': () => deps.log.show(),
    'vllmPools.openDashboard': () => openDashboard(),
    'vllmPools.exportConfig': (format) => exportConfigCommand(deps, format),
  };
  return COMMAND_IDS.map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handlers[id](...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        deps.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`vLLM Pools: ${message}`);
        return undefined;
      }
    }),
  );
}

export async function startSidecar({ manager }: CommandDeps): Promise<void> {
  if (manager.status === 'running') {
    void vscode.window.showInformationMessage(`vLLM Pools: the sidecar is already running at ${manager.endpoint()}`);
    return;
  }
  if (await manager.start({ interactive: true })) {
    void vscode.window.showInformationMessage(`vLLM Pools: sidecar running at ${manager.endpoint()}`);
  }
}

export async function stopSidecar({ manager }: CommandDeps): Promise<void> {
  await manager.stop();
}

export async function restartSidecar({ manager }: CommandDeps): Promise<void> {
  if (await manager.restart()) {
    void vscode.window.showInformationMessage(`vLLM Pools: sidecar restarted at ${manager.endpoint()}`);
  }
}

/** Quick pick of scope (all pools or one) and algorithm; applied at once through the admin API and written to the YAML. */
export async function switchAlgorithm(deps: CommandDeps, arg: unknown, algorithmArg: unknown): Promise<void> {
  const scopes = await algorithmScopes(deps);
  if (!scopes || scopes.pools.length === 0) throw new Error('no pools: start the sidecar or create a config first');
  let pool: string | undefined = poolTargetOf(arg)?.pool;
  if (pool === undefined && scopes.pools.length > 1 && !isAlgorithmId(algorithmArg)) {
    const scope = await vscode.window.showQuickPick(scopePickItems(scopes), {
      title: 'Switch Load-Balancing Algorithm',
      placeHolder: 'For which pools?',
    });
    if (!scope) return;
    pool = scope.pool;
  }
  const fileOutline = deps.manager.configUri ? outlineConfig(await readConfig(deps)) : scopes;
  const target = algorithmTarget(fileOutline, pool);
  let algorithm: AlgorithmId | undefined = isAlgorithmId(algorithmArg) ? algorithmArg : undefined;
  if (!algorithm) {
    const picked = await vscode.window.showQuickPick(algorithmPickItems(currentAlgorithm(scopes, pool)), {
      title: `Load-balancing algorithm for ${pool ? `pool ${pool}` : 'all pools'}`,
      placeHolder: `${target.note}; takes effect at once`,
      matchOnDetail: true,
    });
    if (!picked) return;
    algorithm = picked.algorithm;
  }
  const chosen = algorithm;
  const outcome = await editConfig(deps, (text) => {
    // The rule again on the text being edited (it may differ from what the picker read).
    const now = algorithmTarget(outlineConfig(text), pool);
    if (now.level === 'all') return setAlgorithmEverywhere(text, chosen);
    return now.level === 'pool' ? setAlgorithm(text, chosen, pool) : setAlgorithm(text, chosen);
  });
  if (outcome === 'cancelled') return;
  const client = deps.manager.client();
  if (client) {
    if (target.level === 'all') await client.setAlgorithm(algorithm);
    else for (const name of target.pools) await client.setAlgorithm(algorithm, name);
  }
  const note = client
    ? outcome === 'unsaved'
      ? '; the config change is in the editor, unsaved'
      : ''
    : outcome === 'unsaved'
      ? ' (in the editor, unsaved: applies when you save the config and start the sidecar)'
      : ' (saved; applies when the sidecar starts)';
  const who =
    target.level === 'all'
      ? 'all pools use'
      : target.pools.length === 1
        ? `pool ${target.pools[0]} uses`
        : `pools ${target.pools.join(', ')} use`;
  const where = target.level === 'default' ? ' (the top-level default)' : '';
  void vscode.window.showInformationMessage(`vLLM Pools: ${who} ${algorithm}${where}${note}`);
}

/** Asks for a URL, checks it answers /v1/models, adds it to a pool in the YAML (the reload applies it). */
export async function addReplicaCommand(deps: CommandDeps, arg: unknown, urlArg: unknown): Promise<void> {
  const text = await readConfig(deps);
  const pools = outlineConfig(text).pools.map((p) => p.name);
  if (pools.length === 0) throw new Error('the config has no pools');
  let pool = poolTargetOf(arg)?.pool;
  if (pool === undefined) {
    pool =
      pools.length === 1 ? pools[0] : await vscode.window.showQuickPick(pools, { title: 'Add Replica to which pool?' });
    if (!pool) return;
  }
  let url: string | undefined;
  if (typeof urlArg === 'string') {
    const checked = normalizeReplicaUrl(urlArg);
    if ('error' in checked) throw new Error(checked.error);
    url = checked.url;
  } else {
    const input = await vscode.window.showInputBox({
      title: `Add Replica to ${pool}`,
      prompt: 'Base URL of a vLLM server (OpenAI-compatible); it is checked with GET /v1/models',
      placeHolder: 'http://10.0.0.12:8000',
      validateInput: (value) => {
        const checked = normalizeReplicaUrl(value);
        return 'error' in checked ? checked.error : undefined;
      },
    });
    if (input === undefined) return;
    const checked = normalizeReplicaUrl(input);
    if ('error' in checked) return;
    url = checked.url;
  }
  const target = url;
  const probe = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Checking ${target}/v1/models…` },
    () => fetchModelIds(target),
  );
  if ('error' in probe) {
    const addAnyway = 'Add Anyway';
    const choice = await vscode.window.showWarningMessage(
      `vLLM Pools: ${target} did not answer /v1/models (${probe.error}).`,
      { modal: typeof urlArg !== 'string' },
      addAnyway,
    );
    if (choice !== addAnyway) return;
  }
  let name: string | undefined;
  if (typeof urlArg !== 'string') {
    // Asked as a person adds one: the name shows in the tree, the dashboard and the drain paths.
    const typed = await vscode.window.showInputBox({
      title: `Add Replica to ${pool}`,
      prompt: 'Name of the replica (shown in the Pools view and used in drain paths)',
      value: defaultReplicaName(target),
      validateInput: (value) => (/[/\s]/.test(value.trim()) ? 'No spaces or slashes in a name' : undefined),
    });
    if (typed === undefined) return;
    name = replicaNameToWrite(typed, target);
  }
  const targetPool = pool;
  const outcome = await editConfig(deps, (t) => addReplica(t, targetPool, target, name));
  if (outcome === 'cancelled') return;
  const models = 'models' in probe ? ` serving ${probe.models.join(', ') || 'no models'}` : '';
  void vscode.window.showInformationMessage(`vLLM Pools: added ${target} to ${pool}${models}${outcomeNote(outcome)}`);
}

export async function removeReplicaCommand(deps: CommandDeps, arg: unknown): Promise<void> {
  const target = await pickReplica(deps, arg, 'Remove which replica?');
  if (!target) return;
  const remove = 'Remove';
  const choice = await vscode.window.showWarningMessage(
    `Remove replica ${target.replica} from pool ${target.pool} in the config file?`,
    { modal: true },
    remove,
  );
  if (choice !== remove) return;
  const outcome = await editConfig(deps, (text) =>
    removeReplica(text, target.pool, { name: target.replica, url: target.url }),
  );
  if (outcome === 'cancelled') return;
  void vscode.window.showInformationMessage(
    `vLLM Pools: removed ${target.replica} from ${target.pool}${outcomeNote(outcome)}`,
  );
}

export async function setDraining(deps: CommandDeps, arg: unknown, drain: boolean): Promise<void> {
  const client = deps.manager.client();
  if (!client) throw new Error('the sidecar is not running');
  const target = await pickReplica(deps, arg, drain ? 'Drain which replica?' : 'Enable which replica?');
  if (!target) return;
  if (drain) await client.drain(target.pool, target.replica);
  else await client.enable(target.pool, target.replica);
  void vscode.window.showInformationMessage(
    `vLLM Pools: ${target.replica} ${drain ? 'is draining (in-flight requests finish, no new ones)' : 'takes requests again'}`,
  );
}

/** Stores a replica API key in SecretStorage and references it as ${secret:NAME} in the YAML; the key never touches disk. */
export async function setApiKey(deps: CommandDeps, arg: unknown): Promise<void> {
  const text = await readConfig(deps);
  const outline = outlineConfig(text);
  const replicaArg = replicaTargetOf(arg);
  let name: string | undefined;
  let reference: ReplicaTarget | undefined;
  if (replicaArg) {
    const replica = outline.pools
      .find((p) => p.name === replicaArg.pool)
      ?.replicas.find((r) => r.name === replicaArg.replica || r.url === replicaArg.url);
    const existing = replica?.apiKey ? secretReferences(replica.apiKey)[0] : undefined;
    name = existing ?? `${replicaArg.pool}-${replicaArg.replica}`.replace(/[^A-Za-z0-9_-]/g, '-');
    if (!existing) reference = { ...replicaArg, url: replica?.url ?? replicaArg.url };
  } else {
    const names = secretReferences(text);
    const fresh = '$(add) New secret name…';
    const items = [
      ...(await Promise.all(
        names.map(async (n) => ({ label: n, description: (await deps.secrets.has(n)) ? 'set' : 'not set' })),
      )),
      { label: fresh, description: '' },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Set API Key',
      placeHolder: `Which ${SECRET_REF} of the config?`,
    });
    if (!picked) return;
    name = picked.label;
    if (picked.label === fresh) {
      name = await vscode.window.showInputBox({
        title: 'Secret name',
        prompt: `Referenced in the config as ${SECRET_REF}`,
        validateInput: (v) => (/^[A-Za-z0-9_-]+$/.test(v) ? undefined : 'Letters, digits, - and _ only'),
      });
      if (!name) return;
    }
  }
  const value = await vscode.window.showInputBox({
    title: `API key for \${secret:${name}}`,
    prompt: 'Stored in the editor’s secret storage; the sidecar gets it through its environment',
    password: true,
    ignoreFocusOut: true,
  });
  if (!value) return;
  await deps.secrets.set(name, value);
  const secretName = name;
  let note = '';
  if (reference) {
    const ref = reference;
    const outcome = await editConfig(deps, (t) =>
      setReplicaSecret(t, ref.pool, { name: ref.replica, url: ref.url }, secretName),
    );
    if (outcome === 'cancelled') note = `; the config does not reference it yet (write apiKey: \${secret:${name}})`;
    else note = outcomeNote(outcome);
  }
  if (deps.manager.status === 'running') await deps.manager.restart();
  void vscode.window.showInformationMessage(`vLLM Pools: API key \${secret:${name}} saved${note}`);
}

export async function copyEndpointUrl({ manager }: CommandDeps): Promise<string> {
  const endpoint = manager.endpoint();
  await vscode.env.clipboard.writeText(endpoint);
  void vscode.window.showInformationMessage(`vLLM Pools: copied ${endpoint}`);
  return endpoint;
}

/** Quick pick of a gateway format, then the export of the config as its editor shows it, in a new untitled editor. */
export async function exportConfigCommand(deps: CommandDeps, formatArg: unknown): Promise<void> {
  const uri = deps.manager.configUri;
  if (!uri) throw new Error('no vllm-pools.yaml in this workspace (use "vLLM Pools: Open Config" to create one)');
  let format = isAnyExportFormat(formatArg) ? formatArg : undefined;
  if (!format) {
    const picked = await vscode.window.showQuickPick(exportFormatItems(), {
      title: 'Export Config',
      placeHolder: 'Which gateway? The export of the config as open (unsaved edits included) opens in a new editor',
      matchOnDescription: true,
    });
    if (!picked) return;
    format = picked.format;
  }
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  const { text, issues } = exportConfigAsShown(uri.fsPath, format, open?.getText());
  if (text === undefined) {
    const [message, ...lines] = exportErrorMessage(issues).split('\n');
    deps.log.error(`export ${format}: ${lines.join('; ')}`);
    void vscode.window.showErrorMessage(`vLLM Pools: ${message}`, { modal: true, detail: lines.join('\n') });
    return;
  }
  const language = exportLanguageId(format, await vscode.languages.getLanguages());
  const document = await vscode.workspace.openTextDocument({ content: text, language });
  await vscode.window.showTextDocument(document, { preview: false });
}

export async function openConfig(deps: CommandDeps): Promise<void> {
  const uri = deps.manager.configUri;
  if (uri) {
    await vscode.window.showTextDocument(uri);
    return;
  }
  const create = 'Create vllm-pools.yaml';
  if ((await vscode.window.showInformationMessage('vLLM Pools: no config file yet.', create)) === create) {
    await createConfig(deps);
  }
}

/** Writes the commented starter config (never over an existing file) and opens it. */
export async function createConfig(deps: CommandDeps): Promise<void> {
  const uri = deps.manager.configUri ?? newConfigLocation();
  if (!uri) throw new Error('open a folder first: the config lives in the workspace');
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(STARTER_CONFIG));
    deps.log.info(`created ${uri.fsPath}`);
  }
  await vscode.window.showTextDocument(uri);
  await deps.manager.applyConfig();
}

/** The dashboard webview (extension/dashboard/panel.ts, registered in extension.ts). */
export async function openDashboard(): Promise<void> {
  showDashboard();
}

// --- helpers ---

async function algorithmScopes(deps: CommandDeps): Promise<AlgorithmScopes | undefined> {
  const snapshot = deps.manager.live.snapshot;
  if (snapshot) return snapshot;
  if (!deps.manager.configUri) return undefined;
  const outline = outlineConfig(await readConfig(deps));
  const global: AlgorithmId = isAlgorithmId(outline.algorithm) ? outline.algorithm : 'least-connections';
  return {
    algorithm: global,
    pools: outline.pools.map((p) => ({ name: p.name, algorithm: isAlgorithmId(p.algorithm) ? p.algorithm : global })),
  };
}

/** The replica an argument names, else one picked from the live state (or the config when the sidecar is stopped). */
async function pickReplica(deps: CommandDeps, arg: unknown, title: string): Promise<ReplicaTarget | undefined> {
  const snapshot = deps.manager.live.snapshot;
  const given = replicaTargetOf(arg);
  if (given) {
    const resolved = resolveReplica(given, snapshot);
    if (!resolved) throw new Error(`no replica ${given.replica} in pool ${given.pool}`);
    return resolved;
  }
  const choices: ReplicaTarget[] = snapshot
    ? snapshot.pools.flatMap((p) => p.replicas.map((r) => ({ pool: p.name, replica: r.name, url: r.url })))
    : outlineConfig(await readConfig(deps)).pools.flatMap((p) =>
        p.replicas.map((r) => ({ pool: p.name, replica: r.name, url: r.url })),
      );
  const picked = await vscode.window.showQuickPick(
    choices.map((c) => ({ label: c.replica, description: `${c.pool} · ${c.url ?? ''}`, target: c })),
    { title },
  );
  return picked?.target;
}

async function readConfig(deps: CommandDeps): Promise<string> {
  const uri = deps.manager.configUri;
  if (!uri) throw new Error('no vllm-pools.yaml in this workspace (use "vLLM Pools: Open Config" to create one)');
  const doc = await vscode.workspace.openTextDocument(uri);
  return doc.getText();
}

/**
 * Applies a text transformation to the config as one minimal edit of the open document and saves it (which reloads
 * the sidecar). When the user has unsaved edits in it, asks before saving them too (extension/configDocumentEdit.ts).
 */
async function editConfig(deps: CommandDeps, transform: (text: string) => string): Promise<ConfigEditOutcome> {
  const uri = deps.manager.configUri;
  if (!uri) throw new Error('no vllm-pools.yaml in this workspace');
  const doc = await vscode.workspace.openTextDocument(uri);
  const file = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  return editConfigDocument(
    doc,
    (text) => {
      try {
        return transform(text);
      } catch (error) {
        if (error instanceof ConfigEditError) throw new Error(`cannot edit ${uri.fsPath}: ${error.message}`);
        throw error;
      }
    },
    {
      replace: (change) => {
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.text);
        return vscode.workspace.applyEdit(edit);
      },
      askAboutUnsavedEdits: async () => {
        const saveBoth = 'Save Both';
        const applyOnly = 'Change Without Saving';
        const choice = await vscode.window.showWarningMessage(
          `${file} has unsaved changes.`,
          {
            modal: true,
            detail: `Save them together with this change (the sidecar reloads the file), or make this change in the editor only and leave the file unsaved until you save it.`,
          },
          saveBoth,
          applyOnly,
        );
        return choice === saveBoth ? 'save-both' : choice === applyOnly ? 'apply-only' : 'cancel';
      },
    },
  );
}

/** What to add to a command's message about where its config change stands. */
function outcomeNote(outcome: ConfigEditOutcome): string {
  return outcome === 'unsaved' ? ' (in the editor, unsaved: it applies when you save the config)' : '';
}
