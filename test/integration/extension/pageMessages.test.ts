// Both webview hosts (the config editor and the dashboard panel) with the VS Code stub: a message from the page that
// fits no message of its PAGE_TO_HOST map (unknown type, missing or mistyped field, not an object) is ignored and
// logged once per reason; it neither throws nor acts, and the panel keeps answering well-formed messages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createVscodeStub, EventEmitter, installVscodeStub, Uri } from './vscodeStub';

let uninstall: () => void;
let ConfigEditorProvider: new (
  extensionUri: unknown,
  deps: Record<string, unknown>,
  diagnostics: unknown,
) => { resolveCustomTextEditor(document: unknown, panel: unknown): Promise<void> };
let registerDashboard: (context: unknown, live: unknown, options: unknown) => { dispose(): void };
let showDashboard: () => void;
/** What the extension asked of VS Code beyond posting to the page (edits, editors, prompts, commands). */
const effects: string[] = [];
let lastPanel: FakePanel | undefined;

interface FakePanel {
  webview: unknown;
  posted: unknown[];
  receive: (message: unknown) => unknown;
}

function fakePanel(): FakePanel & Record<string, unknown> {
  const fake = {
    posted: [] as unknown[],
    receive: (_message: unknown): unknown => assert.fail('the host does not listen to the page'),
    visible: true,
    viewColumn: 1,
    reveal() {},
    dispose() {},
    onDidChangeViewState: () => ({ dispose() {} }),
    onDidDispose: () => ({ dispose() {} }),
    webview: {
      options: {},
      html: '',
      cspSource: 'vscode-resource:',
      asWebviewUri: (uri: Uri) => uri,
      postMessage: async (message: unknown) => fake.posted.push(message),
      onDidReceiveMessage: (listener: (message: unknown) => unknown) => {
        fake.receive = listener;
        return { dispose() {} };
      },
    },
  };
  return fake;
}

before(() => {
  const { vscode } = createVscodeStub('/work/space');
  const window = vscode['window'] as Record<string, unknown>;
  const workspace = vscode['workspace'] as Record<string, unknown>;
  const commands = vscode['commands'] as Record<string, unknown>;
  window['createWebviewPanel'] = () => {
    lastPanel = fakePanel();
    return lastPanel;
  };
  window['showTextDocument'] = async () => effects.push('showTextDocument');
  window['showInputBox'] = async () => effects.push('showInputBox');
  workspace['applyEdit'] = async () => effects.push('applyEdit');
  commands['executeCommand'] = async (id: string) => effects.push(`command ${id}`);
  uninstall = installVscodeStub(vscode);
  ConfigEditorProvider = require('../../../extension/configEditor/configEditorProvider').ConfigEditorProvider;
  ({ registerDashboard, showDashboard } = require('../../../extension/dashboard/panel'));
});
after(() => uninstall());

/** Both hosts load their page the same way (extension/webviewPage.ts): scripts on, two resource roots, its files. */
function assertLoaded(panel: FakePanel, script: string, styles: string[]): void {
  const webview = panel.webview as { options: { enableScripts?: boolean; localResourceRoots?: Uri[] }; html: string };
  assert.equal(webview.options.enableScripts, true);
  assert.deepEqual(webview.options.localResourceRoots?.map(String), ['file:///ext/dist/webview', 'file:///ext/media']);
  assert.deepEqual(
    [...webview.html.matchAll(/<script nonce="[\w-]+" src="([^"]+)"/g)].map((m) => m[1]),
    [script],
  );
  assert.deepEqual(
    [...webview.html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]),
    styles,
  );
}

/** Malformed for both maps: an unknown type, not an object, a string. */
const MALFORMED_FOR_BOTH: unknown[] = [{ type: 'reload' }, null, 'ready', { pool: 0 }];

test('config editor: malformed page messages are ignored and logged once each; well-formed ones still work', async () => {
  const logs: string[] = [];
  const panel = fakePanel();
  const document = { uri: Uri.file('/work/space/vllm-pools.yaml'), getText: () => 'pools: []\n' };
  const provider = new ConfigEditorProvider(
    Uri.file('/ext'),
    { log: (line: string) => logs.push(line), storeSecret: async () => {} },
    { update: () => [] },
  );
  await provider.resolveCustomTextEditor(document, panel);
  assertLoaded(panel, 'file:///ext/dist/webview/configEditor.js', ['file:///ext/media/configEditor.css']);
  const malformed: unknown[] = [
    ...MALFORMED_FOR_BOTH,
    { type: 'edit', edit: { kind: 'set', path: ['pools', {}], value: 1 } },
    { type: 'edit', edit: { kind: 'rename', path: ['pools'] } },
    { type: 'testConnection', pool: 0 },
    { type: 'reveal', line: '3', col: 1 },
    { type: 'storeSecret', name: 7 },
  ];
  for (const message of [...malformed, ...malformed]) assert.doesNotThrow(() => panel.receive(message));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(panel.posted, [], 'nothing answered');
  assert.deepEqual(effects, [], 'nothing done');
  assert.equal(logs.length, malformed.length, logs.join('\n'));
  for (const line of logs) assert.match(line, /^config editor: ignored a malformed message: message/);
  assert.ok(
    logs.some((line) =>
      line.includes('message.edit.path[1]: expected a string, got an object; or expected an integer'),
    ),
  );
  assert.ok(logs.some((line) => line.includes('message.type: expected one of ready, edit,')));
  assert.ok(logs.some((line) => line.endsWith('message.replica: expected an integer, got undefined')));

  panel.receive({ type: 'ready' });
  assert.deepEqual(
    panel.posted.map((m) => (m as { type: string }).type),
    ['model', 'live'],
  );
});

test('dashboard: malformed page messages are ignored and logged once each; an action still runs', async () => {
  const logs: string[] = [];
  const ran: string[] = [];
  const actions = {
    setAlgorithm: async (pool: string, algorithm: string) => ran.push(`setAlgorithm ${pool} ${algorithm}`),
    drain: async (pool: string, replica: string) => ran.push(`drain ${pool} ${replica}`),
    enable: async (pool: string, replica: string) => ran.push(`enable ${pool} ${replica}`),
  };
  const changed = new EventEmitter<unknown>();
  const live = { snapshot: undefined, onDidChangeSnapshot: changed.event, onDidFinishRequest: changed.event };
  const registration = registerDashboard({ extensionUri: Uri.file('/ext') }, live, {
    actions,
    log: (line: string) => logs.push(line),
  });
  try {
    showDashboard();
    const panel = lastPanel!;
    assertLoaded(panel, 'file:///ext/dist/webview/dashboard.js', [
      'file:///ext/dist/webview/dashboard.css',
      'file:///ext/media/dashboard.css',
    ]);
    panel.posted.length = 0;
    const malformed: unknown[] = [
      ...MALFORMED_FOR_BOTH,
      { type: 'drain', pool: 'llama-8b' },
      { type: 'enable', pool: 'llama-8b', replica: 3 },
      { type: 'setAlgorithm', pool: 'llama-8b', algorithm: 'fastest' },
    ];
    for (const message of [...malformed, ...malformed]) assert.doesNotThrow(() => panel.receive(message));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(ran, []);
    assert.deepEqual(panel.posted, []);
    assert.equal(logs.length, malformed.length, logs.join('\n'));
    for (const line of logs) assert.match(line, /^dashboard: ignored a malformed message: message/);
    assert.ok(logs.some((line) => line.endsWith('message.replica: expected a string, got undefined')));

    panel.receive({ type: 'drain', pool: 'llama-8b', replica: 'gpu-a' });
    for (let i = 0; i < 50 && panel.posted.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(ran, ['drain llama-8b gpu-a']);
    assert.deepEqual(panel.posted, [
      { type: 'actionResult', action: 'drain', pool: 'llama-8b', replica: 'gpu-a', ok: true, message: null },
    ]);
  } finally {
    registration.dispose();
  }
});
