// Just enough of the `vscode` module to run the extension's shell in plain Node: real files, real child processes,
// recorded UI (messages, status bar, tree, context keys). Not a VS Code: the e2e suite covers the real one.
import { EventEmitter as NodeEmitter } from 'node:events';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import Module from 'node:module';
import { dirname, join } from 'node:path';

type Listener<T> = (value: T) => unknown;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Disposable {
  constructor(private readonly onDispose: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const i of items) i.dispose();
    });
  }
  dispose(): void {
    this.onDispose();
  }
}

export class Uri {
  private constructor(readonly fsPath: string) {}
  static file(path: string): Uri {
    return new Uri(path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(join(base.fsPath, ...parts));
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: number | Position, b: number | Position, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b as number) : a;
    this.end = typeof a === 'number' ? new Position(c!, d!) : (b as Position);
  }
}

export class Diagnostic {
  source?: string;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: number,
  ) {}
}

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  constructor(
    readonly label: string,
    readonly collapsibleState?: number,
  ) {}
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class MarkdownString {
  isTrusted = false;
  constructor(
    readonly value: string,
    readonly supportThemeIcons = false,
  ) {}
}

export class WorkspaceEdit {
  readonly edits: { uri: Uri; range: Range; text: string }[] = [];
  replace(uri: Uri, range: Range, text: string): void {
    this.edits.push({ uri, range, text });
  }
}

/** The recorded state of the fake editor. */
export interface StubWorld {
  folder: string;
  settings: Record<string, unknown>;
  trusted: boolean;
  messages: string[];
  contexts: Record<string, unknown>;
  statusBar: { text: string; tooltip?: unknown; backgroundColor?: ThemeColor; visible: boolean };
  /** The message line of the tree view (TreeView.message). */
  treeMessage?: string | undefined;
  treeProviders: Record<string, { getChildren(e?: unknown): unknown[]; getTreeItem(e: unknown): TreeItem }>;
  treeRefreshes: unknown[];
  /** Answers for quick picks, input boxes and message buttons, consumed in order. */
  answers: unknown[];
  secrets: Map<string, string>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  logs: string[];
  watchers: { fire(): void }[];
  /** Types `text` at the end of the open document of `path` without saving it, as a user would. */
  typeUnsaved: (path: string, text: string) => Promise<StubDocument>;
  /** The shell's diagnostics (collection "vllm-pools"), by file path. */
  diagnostics: Map<string, Diagnostic[]>;
}

/** An open text document of the stub. */
export interface StubDocument {
  readonly isDirty: boolean;
  getText(): string;
  positionAt(offset: number): Position;
  applyEdit(range: Range, text: string): void;
}

export function createVscodeStub(folder: string): { vscode: Record<string, unknown>; world: StubWorld } {
  const world: StubWorld = {
    folder,
    settings: {},
    trusted: true,
    messages: [],
    contexts: {},
    statusBar: { text: '', visible: false },
    treeProviders: {},
    treeRefreshes: [],
    answers: [],
    secrets: new Map(),
    commands: new Map(),
    logs: [],
    watchers: [],
    diagnostics: new Map(),
    typeUnsaved: async () => {
      throw new Error('set below');
    },
  };
  const folderUri = Uri.file(folder);
  /** The next answer; a function answer picks from the offered buttons. */
  const answer = async (kind: string, text: string, ...rest: unknown[]) => {
    world.messages.push(`${kind}: ${text}`);
    const buttons = rest.filter((r): r is string => typeof r === 'string');
    const next = world.answers.shift();
    return typeof next === 'function' ? (next as (b: string[]) => unknown)(buttons) : next;
  };
  const log = (level: string) => (text: string) => world.logs.push(`${level} ${text}`);

  const docs = new Map<string, { text: string; dirty: boolean }>();
  const openTextDocument = async (uri: Uri) => {
    const text = await readFile(uri.fsPath, 'utf8');
    const doc = { text, dirty: false };
    docs.set(uri.fsPath, doc);
    const offsetAt = (p: Position) => {
      const lines = doc.text.split('\n');
      return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    };
    return {
      uri,
      get isDirty() {
        return doc.dirty;
      },
      getText: () => doc.text,
      positionAt: (offset: number) => {
        const before = doc.text.slice(0, offset).split('\n');
        return new Position(before.length - 1, before[before.length - 1]!.length);
      },
      offsetAt,
      save: async () => {
        await writeFile(uri.fsPath, doc.text);
        doc.dirty = false;
        for (const w of world.watchers) w.fire();
        return true;
      },
      applyEdit: (range: Range, text: string) => {
        doc.text = doc.text.slice(0, offsetAt(range.start)) + text + doc.text.slice(offsetAt(range.end));
        doc.dirty = true;
      },
    };
  };
  const openDocs = new Map<string, Awaited<ReturnType<typeof openTextDocument>>>();

  const vscode = {
    EventEmitter,
    Disposable,
    Uri,
    Range,
    Diagnostic,
    TreeItem,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    WorkspaceEdit,
    DiagnosticSeverity: { Error: 0, Warning: 1 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ProgressLocation: { Notification: 15 },
    ViewColumn: { Active: -1, Beside: -2 },
    env: { clipboard: { writeText: async (t: string) => world.messages.push(`clipboard: ${t}`) } },
    window: {
      createOutputChannel: () => ({
        trace: log('trace'),
        debug: log('debug'),
        info: log('info'),
        warn: log('warn'),
        error: log('error'),
        show: () => world.messages.push('logs shown'),
        dispose: () => {},
      }),
      createTreeView: (
        id: string,
        options: {
          treeDataProvider: StubWorld['treeProviders'][string] & {
            onDidChangeTreeData: (l: Listener<unknown>) => unknown;
          };
        },
      ) => {
        world.treeProviders[id] = options.treeDataProvider;
        options.treeDataProvider.onDidChangeTreeData((e) => world.treeRefreshes.push(e));
        return {
          set message(text: string | undefined) {
            world.treeMessage = text;
          },
          get message() {
            return world.treeMessage;
          },
          dispose: () => {},
        };
      },
      createStatusBarItem: () => {
        const item = {
          name: '',
          command: '',
          set tooltip(t: unknown) {
            world.statusBar.tooltip = t;
          },
          set text(t: string) {
            world.statusBar.text = t;
          },
          set backgroundColor(c: ThemeColor | undefined) {
            world.statusBar.backgroundColor = c;
          },
          show: () => {
            world.statusBar.visible = true;
          },
          hide: () => {
            world.statusBar.visible = false;
          },
          dispose: () => {},
        };
        return item;
      },
      showInformationMessage: (text: string, ...rest: unknown[]) => answer('info', text, ...rest),
      showWarningMessage: (text: string, ...rest: unknown[]) => answer('warning', text, ...rest),
      showErrorMessage: (text: string, ...rest: unknown[]) => answer('error', text, ...rest),
      showQuickPick: async (items: { label: string }[] | string[]) => {
        const wanted = world.answers.shift();
        return (items as { label: string }[]).find((i) => (typeof i === 'string' ? i : i.label) === wanted);
      },
      showInputBox: async () => world.answers.shift(),
      showTextDocument: async (uri: Uri) => world.messages.push(`opened ${uri.fsPath}`),
      withProgress: (_o: unknown, task: () => Promise<unknown>) => task(),
      registerWebviewPanelSerializer: () => ({ dispose() {} }),
    },
    workspace: {
      get workspaceFolders() {
        return [{ uri: folderUri, name: 'ws', index: 0 }];
      },
      get isTrusted() {
        return world.trusted;
      },
      get textDocuments() {
        return [];
      },
      getWorkspaceFolder: (uri: Uri) => (uri.fsPath.startsWith(folder) ? { uri: folderUri } : undefined),
      getConfiguration: () => ({
        get: (key: string, fallback: unknown) => world.settings[key] ?? fallback,
      }),
      findFiles: async () => [],
      createFileSystemWatcher: () => {
        const changed = new EventEmitter<Uri>();
        world.watchers.push({ fire: () => changed.fire(Uri.file(folder)) });
        return { onDidChange: changed.event, onDidCreate: changed.event, onDidDelete: changed.event, dispose() {} };
      },
      onDidChangeConfiguration: () => ({ dispose() {} }),
      onDidGrantWorkspaceTrust: () => ({ dispose() {} }),
      fs: {
        stat: (uri: Uri) => stat(uri.fsPath),
        readFile: async (uri: Uri) => new Uint8Array(await readFile(uri.fsPath)),
        writeFile: async (uri: Uri, data: Uint8Array) => {
          await mkdir(dirname(uri.fsPath), { recursive: true });
          await writeFile(uri.fsPath, data);
        },
      },
      openTextDocument: async (uri: Uri) => {
        // An open document with unsaved edits is the one VS Code hands out again; otherwise the file as it is now.
        const open = openDocs.get(uri.fsPath);
        if (open?.isDirty) return open;
        const doc = await openTextDocument(uri);
        openDocs.set(uri.fsPath, doc);
        return doc;
      },
      applyEdit: async (edit: WorkspaceEdit) => {
        for (const e of edit.edits) openDocs.get(e.uri.fsPath)?.applyEdit(e.range, e.text);
        return true;
      },
    },
    languages: {
      createDiagnosticCollection: (name?: string) => {
        const all = new Map<string, Diagnostic[]>();
        if (name === 'vllm-pools') world.diagnostics = all;
        return {
          set: (uri: Uri, list: Diagnostic[]) => all.set(uri.fsPath, list),
          delete: (uri: Uri) => all.delete(uri.fsPath),
          clear: () => all.clear(),
          dispose: () => {},
        };
      },
    },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        world.commands.set(id, fn);
        return { dispose: () => world.commands.delete(id) };
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        if (id === 'setContext') {
          world.contexts[args[0] as string] = args[1];
          return undefined;
        }
        const fn = world.commands.get(id);
        if (fn) return fn(...args);
        world.messages.push(`command ${id}`);
        return undefined;
      },
    },
  };
  // Other parts of the extension (dashboard, config editor, chat provider) subscribe and register things this stub
  // does not model: those become no-ops that return a disposable.
  const tolerant = (namespace: Record<string, unknown>) =>
    new Proxy(namespace, {
      get(target, key) {
        if (key in target) return target[key as string];
        if (typeof key === 'string' && /^(on[A-Z]|register)/.test(key)) return () => ({ dispose() {} });
        return undefined;
      },
    });
  for (const name of ['window', 'workspace', 'languages', 'commands'] as const) {
    (vscode as Record<string, unknown>)[name] = tolerant(vscode[name] as Record<string, unknown>);
  }
  (vscode as Record<string, unknown>)['lm'] = tolerant({});
  world.typeUnsaved = async (path: string, text: string) => {
    const doc = await (vscode.workspace as { openTextDocument(uri: Uri): Promise<StubDocument> }).openTextDocument(
      Uri.file(path),
    );
    const end = doc.positionAt(doc.getText().length);
    doc.applyEdit(new Range(end, end), text);
    return doc;
  };
  return { vscode, world };
}

/** Makes `require('vscode')` return the stub (the extension's modules are CommonJS under tsx). */
export function installVscodeStub(stub: Record<string, unknown>): () => void {
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return stub;
    return original.call(this, request, ...rest);
  };
  return () => {
    mod._load = original;
  };
}

export function fakeSecretStorage(world: StubWorld) {
  const changed = new NodeEmitter();
  return {
    get: async (key: string) => world.secrets.get(key),
    store: async (key: string, value: string) => {
      world.secrets.set(key, value);
      changed.emit('change', key);
    },
    delete: async (key: string) => {
      world.secrets.delete(key);
    },
    keys: async () => [...world.secrets.keys()],
    onDidChange: () => ({ dispose() {} }),
  };
}
