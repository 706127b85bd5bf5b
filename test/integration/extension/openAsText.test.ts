// "Open as Text" in the config editor with the VS Code stub: the text editor opens in the form's group, then the
// form's tab of that file in that group is closed (no two tabs titled vllm-pools.yaml); other tabs stay.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createVscodeStub, installVscodeStub, Uri } from './vscodeStub';

const FILE = '/work/space/vllm-pools.yaml';
const VIEW = 'vllmPools.configEditor';

interface Tab {
  label: string;
  input: unknown;
}

let uninstall: () => void;
const calls: string[] = [];
const closed: Tab[][] = [];
const formTab: Tab = { label: 'form in group 1', input: { uri: Uri.file(FILE), viewType: VIEW } };
const otherGroupForm: Tab = { label: 'form in group 2', input: { uri: Uri.file(FILE), viewType: VIEW } };
const otherFile: Tab = {
  label: 'other file',
  input: { uri: Uri.file('/work/space/b.vllm-pools.yaml'), viewType: VIEW },
};
let Provider: new (
  extensionUri: unknown,
  deps: Record<string, unknown>,
  diagnostics: unknown,
) => { resolveCustomTextEditor(document: unknown, panel: unknown): Promise<void> };

before(() => {
  const { vscode } = createVscodeStub('/work/space');
  const window = vscode['window'] as Record<string, unknown>;
  const commands = vscode['commands'] as Record<string, unknown>;
  window['tabGroups'] = {
    get all() {
      return [
        { viewColumn: 1, tabs: [formTab, otherFile] },
        { viewColumn: 2, tabs: [otherGroupForm] },
      ];
    },
    close: async (tabs: Tab[]) => {
      calls.push('close');
      closed.push(tabs);
      return true;
    },
  };
  commands['executeCommand'] = async (id: string, ...args: unknown[]) => {
    calls.push(`${id} ${String((args[0] as Uri).fsPath)} ${String(args[1])} column ${String(args[2])}`);
    return undefined;
  };
  uninstall = installVscodeStub(vscode);
  Provider = require('../../../extension/configEditor/configEditorProvider').ConfigEditorProvider;
});
after(() => uninstall());

test('Open as Text opens the text editor in the form’s group, then closes that form tab only', async () => {
  let receive: ((message: unknown) => void) | undefined;
  const webview = {
    options: {},
    html: '',
    cspSource: 'vscode-resource:',
    asWebviewUri: (uri: Uri) => uri,
    postMessage: async () => true,
    onDidReceiveMessage: (listener: (message: unknown) => void) => {
      receive = listener;
      return { dispose() {} };
    },
  };
  const panel = { webview, viewColumn: 1, onDidDispose: () => ({ dispose() {} }) };
  const document = { uri: Uri.file(FILE), getText: () => 'pools: []\n' };
  const diagnostics = { update: () => [] };
  const provider = new Provider(Uri.file('/ext'), {}, diagnostics);
  await provider.resolveCustomTextEditor(document, panel);
  assert.ok(receive, 'the provider listens to the page');
  receive({ type: 'openAsText' });
  for (let i = 0; i < 20 && closed.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(calls, [`vscode.openWith ${FILE} default column 1`, 'close']);
  assert.deepEqual(
    closed.map((tabs) => tabs.map((tab) => tab.label)),
    [['form in group 1']],
  );
});
