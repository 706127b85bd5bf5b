// The extension's shell in plain Node (a stub `vscode`, see vscodeStub.ts) against the real bundled sidecar
// (dist/sidecar.js, `npm run build` first) and simulated replicas: activation, the sidecar's start, the live tree and
// status bar, commands that call the admin API and edit the YAML, diagnostics, port-in-use, workspace trust, stop.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../../bench/freePort';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { createVscodeStub, fakeSecretStorage, installVscodeStub, type StubWorld } from './vscodeStub';

const ROOT = resolve(__dirname, '../../..');
const built = existsSync(join(ROOT, 'dist/sidecar.js'));

interface ExtensionModule {
  activate(context: unknown): {
    endpoint(): string;
    snapshot(): { pools: { algorithm: string; replicas: { name: string; state: string }[] }[] } | undefined;
  };
  deactivate(): Promise<void>;
}

let fleet: SimFleet;
let folder: string;
let world: StubWorld;
let extension: ExtensionModule;
let api: ReturnType<ExtensionModule['activate']>;
let uninstall: () => void;
let context: { subscriptions: { dispose(): void }[] };

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}\nstatus bar: ${world.statusBar.text}\nlogs:\n${world.logs.slice(-15).join('\n')}\nmessages:\n${world.messages.slice(-5).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function configText(urls: string[]): string {
  return `# test fleet
algorithm: least-connections   # the default
pools:
  - name: default
    replicas:
${urls.map((u, i) => `      - url: ${u}\n        name: r${i}`).join('\n')}
    healthCheck: { path: /health, interval: 200ms, timeout: 5s, rise: 1, fall: 3 }
engineMetrics: { interval: 500ms }
`;
}

function run(command: string, ...args: unknown[]): Promise<unknown> {
  return Promise.resolve(world.commands.get(command)!(...args));
}

function replicaItems() {
  const tree = world.treeProviders['vllmPools.pools']!;
  const [pool] = tree.getChildren();
  return pool ? tree.getChildren(pool).map((e) => tree.getTreeItem(e)) : [];
}

before(async () => {
  if (!built) return;
  fleet = await startSimFleet({ replicas: 4, profile: 'fast', timeScale: 0.05 });
  folder = mkdtempSync(join(tmpdir(), 'vllm-pools-ext-'));
  writeFileSync(join(folder, 'vllm-pools.yaml'), configText(fleet.urls.slice(0, 3)));
  const stub = createVscodeStub(folder);
  world = stub.world;
  world.settings['port'] = await freePort();
  uninstall = installVscodeStub(stub.vscode);
  extension = require('../../../extension/extension') as ExtensionModule;
  context = { subscriptions: [] };
  const started = performance.now();
  api = extension.activate({ ...context, extensionPath: ROOT, secrets: fakeSecretStorage(world) });
  const activationMs = performance.now() - started;
  console.log(`# activate() returned in ${activationMs.toFixed(1)} ms (plain Node, stub vscode)`);
});

after(async () => {
  if (!built) return;
  await extension.deactivate();
  for (const d of context.subscriptions) d.dispose();
  uninstall();
  await fleet.close();
  rmSync(folder, { recursive: true, force: true });
});

test('activation starts the sidecar; the tree and status bar follow /admin/events', {
  skip: !built && 'npm run build first',
}, async () => {
  await waitFor(() => world.statusBar.text === 'vLLM 3/3 · least-connections', 'three healthy replicas');
  assert.equal(world.contexts['vllmPools.hasConfig'], true);
  assert.equal(world.contexts['vllmPools.sidecarRunning'], true);
  assert.equal(world.statusBar.visible, true);
  assert.equal(world.statusBar.backgroundColor, undefined);
  assert.equal(api.endpoint(), `http://127.0.0.1:${world.settings['port']}/v1`);
  const items = replicaItems();
  assert.deepEqual(
    items.map((i) => [i.label, i.contextValue]),
    [
      ['r0', 'vllmPools.replica.healthy'],
      ['r1', 'vllmPools.replica.healthy'],
      ['r2', 'vllmPools.replica.healthy'],
    ],
  );
  assert.equal(items[0]!.description, '', 'a short row: the figures are in the tooltip');
  assert.ok(!world.logs.some((l) => l.includes(world.secrets.get('x') ?? '\u0000')));
});

test('Switch Algorithm applies through the admin API and writes the YAML, comments kept', {
  skip: !built,
}, async () => {
  // The dashboard's menu names the pool; the pool has no algorithm of its own, so the top-level default changes,
  // as from the palette: the file never ends with two `algorithm:` keys (issue 22).
  await run('vllmPools.switchAlgorithm', { pool: 'default' }, 'round-robin');
  await waitFor(() => api.snapshot()?.pools[0]?.algorithm === 'round-robin', 'the pool on round-robin');
  let text = readFileSync(join(folder, 'vllm-pools.yaml'), 'utf8');
  assert.match(text, /^algorithm: round-robin {3}# the default$/m);
  assert.equal(text.match(/algorithm:/g)?.length, 1, text);
  assert.match(text, /^# test fleet$/m);
  assert.ok(world.messages.some((m) => m.includes('pool default uses round-robin (the top-level default)')));
  await waitFor(() => world.statusBar.text === 'vLLM 3/3 · round-robin', 'the status bar showing it');
  // The palette (one pool: no scope question) writes the same key.
  await run('vllmPools.switchAlgorithm', undefined, 'power-of-two');
  await waitFor(() => api.snapshot()?.pools[0]?.algorithm === 'power-of-two', 'the pool on power-of-two');
  text = readFileSync(join(folder, 'vllm-pools.yaml'), 'utf8');
  assert.match(text, /^algorithm: power-of-two {3}# the default$/m);
  assert.equal(text.match(/algorithm:/g)?.length, 1, text);
  await run('vllmPools.switchAlgorithm', { pool: 'default' }, 'round-robin');
  await waitFor(() => world.statusBar.text === 'vLLM 3/3 · round-robin', 'back on round-robin');
});

test("a command never saves the user's unsaved edits of the config without asking", { skip: !built }, async () => {
  const file = join(folder, 'vllm-pools.yaml');
  const onDisk = readFileSync(file, 'utf8');
  const doc = await world.typeUnsaved(file, '# my unsaved note\n');
  const asked = () => world.messages.filter((m) => m.includes('vllm-pools.yaml has unsaved changes')).length;

  world.answers.push(undefined); // the modal question dismissed: nothing happens
  await run('vllmPools.switchAlgorithm', { pool: 'default' }, 'least-connections');
  assert.equal(asked(), 1);
  assert.equal(readFileSync(file, 'utf8'), onDisk);
  assert.match(doc.getText(), /^algorithm: round-robin {3}# the default$/m);
  assert.equal(api.snapshot()?.pools[0]?.algorithm, 'round-robin', 'not switched either');

  world.answers.push('Change Without Saving');
  await run('vllmPools.switchAlgorithm', { pool: 'default' }, 'least-connections');
  assert.equal(asked(), 2);
  assert.equal(readFileSync(file, 'utf8'), onDisk, 'nothing saved');
  assert.match(doc.getText(), /^algorithm: least-connections {3}# the default$/m);
  assert.match(doc.getText(), /# my unsaved note\n$/);
  assert.equal(doc.isDirty, true);
  await waitFor(() => api.snapshot()?.pools[0]?.algorithm === 'least-connections', 'applied through the admin API');

  world.answers.push('Save Both');
  await run('vllmPools.switchAlgorithm', { pool: 'default' }, 'round-robin');
  assert.equal(asked(), 3);
  const saved = readFileSync(file, 'utf8');
  assert.match(saved, /^algorithm: round-robin {3}# the default$/m);
  assert.match(saved, /# my unsaved note\n$/, 'saved together, as the user chose');
  assert.equal(doc.isDirty, false);
  await waitFor(() => world.statusBar.text === 'vLLM 3/3 · round-robin', 'round-robin again');
});

test('Drain and Enable from a tree element change the replica state and its context value', {
  skip: !built,
}, async () => {
  const tree = world.treeProviders['vllmPools.pools']!;
  const [pool] = tree.getChildren();
  const r1 = tree.getChildren(pool)[1];
  const refreshesBefore = world.treeRefreshes.length;
  await run('vllmPools.drainReplica', r1);
  await waitFor(() => replicaItems()[1]?.contextValue === 'vllmPools.replica.draining', 'r1 draining');
  const partial = world.treeRefreshes.slice(refreshesBefore).filter((e) => e !== undefined);
  assert.ok(partial.length > 0, 'the change refreshed items, not the whole tree');
  await run('vllmPools.enableReplica', 'default/r1');
  await waitFor(() => replicaItems()[1]?.contextValue === 'vllmPools.replica.healthy', 'r1 enabled');
});

test('Add Replica checks /v1/models, edits the YAML, and the reload shows it', { skip: !built }, async () => {
  await run('vllmPools.addReplica', 'default', fleet.urls[3]);
  await waitFor(() => replicaItems().length === 4, 'a fourth replica in the tree');
  assert.match(readFileSync(join(folder, 'vllm-pools.yaml'), 'utf8'), new RegExp(`- url: ${fleet.urls[3]}\\n`));
  await waitFor(() => world.statusBar.text === 'vLLM 4/4 · round-robin', 'four healthy');
  world.answers.push('Remove');
  await run('vllmPools.removeReplica', 'default/r0');
  await waitFor(() => replicaItems().length === 3, 'r0 gone');
  assert.doesNotMatch(readFileSync(join(folder, 'vllm-pools.yaml'), 'utf8'), /name: r0/);
});

test('a broken config shows diagnostics at line and column and the sidecar keeps running', {
  skip: !built,
}, async () => {
  const file = join(folder, 'vllm-pools.yaml');
  const good = readFileSync(file, 'utf8');
  writeFileSync(file, good.replace('engineMetrics:', 'retriez: 3\nengineMetrics:'));
  for (const w of world.watchers) w.fire();
  const diagnostics = (
    world as unknown as { diagnostics: Map<string, { message: string; range: { start: { line: number } } }[]> }
  ).diagnostics;
  await waitFor(() => (diagnostics.get(file)?.length ?? 0) > 0, 'a diagnostic');
  const [problem] = diagnostics.get(file)!;
  assert.equal(
    problem!.range.start.line,
    good.split('\n').findIndex((l) => l.startsWith('engineMetrics')),
  );
  assert.match(problem!.message, /retriez/);
  assert.equal(world.contexts['vllmPools.sidecarRunning'], true);
  writeFileSync(file, good);
  for (const w of world.watchers) w.fire();
  await waitFor(() => diagnostics.get(file)?.length === 0, 'diagnostics cleared');
});

test('Copy Endpoint URL, then Stop: the child exits and the status says so', { skip: !built }, async () => {
  assert.equal(await run('vllmPools.copyEndpointUrl'), api.endpoint());
  await run('vllmPools.stopSidecar');
  assert.equal(world.contexts['vllmPools.sidecarRunning'], false);
  await waitFor(() => world.statusBar.text === 'vLLM stopped', 'stopped');
  assert.equal(replicaItems().length, 0, 'an empty tree shows the welcome view');
});

test('a taken port is reported and the next free one, when accepted, is used', { skip: !built }, async () => {
  const blocker = createServer();
  const port = world.settings['port'] as number;
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
  try {
    world.messages.length = 0;
    world.answers.push(undefined); // dismissed: nothing starts
    await run('vllmPools.startSidecar');
    await waitFor(() => world.messages.some((m) => m.includes(`port ${port} is already in use`)), 'the port message');
    assert.equal(world.contexts['vllmPools.sidecarRunning'], false);
    // Dismissed: a failed start with its reason in the status bar, the tree and the output, not a clean "stopped".
    assert.equal(world.contexts['vllmPools.sidecarStatus'], 'failed');
    assert.equal(world.statusBar.text, 'vLLM failed');
    assert.match((world.statusBar.tooltip as { value: string }).value, new RegExp(`port ${port} is in use`));
    assert.equal(world.treeMessage, `Sidecar port ${port} is in use`);
    assert.ok(world.logs.some((l) => l.startsWith('warn') && l.includes(`port ${port} is in use`)));
    let offered = '';
    world.answers.push((buttons: string[]) => {
      offered = buttons.find((b) => b.startsWith('Use Port')) ?? '';
      return offered;
    });
    await run('vllmPools.startSidecar');
    await waitFor(() => world.contexts['vllmPools.sidecarRunning'] === true, 'running on the offered port');
    const next = Number(/Use Port (\d+)/.exec(offered)?.[1]);
    assert.ok(next > port, offered);
    assert.equal(api.endpoint(), `http://127.0.0.1:${next}/v1`);
    await run('vllmPools.stopSidecar');
  } finally {
    await new Promise<void>((r) => blocker.close(() => r()));
  }
});

test('a taken port: the Pools view offers the same actions as the notification, and they work', {
  skip: !built,
}, async () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const welcome = (manifest.contributes.viewsWelcome as { contents: string; when: string }[]).find((w) =>
    /(^|&& )vllmPools\.portInUse$/.test(w.when),
  );
  assert.ok(welcome, 'a welcome entry for a port in use');
  assert.match(welcome.contents, /\(command:vllmPools\.useNextFreePort\)/);
  assert.match(welcome.contents, /\(command:vllmPools\.changePortSetting\)/);
  const blocker = createServer();
  const port = Number(/:(\d+)\/v1$/.exec(api.endpoint())?.[1]); // this run's port (an earlier test moved it)
  await run('vllmPools.stopSidecar');
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
  try {
    world.answers.push(undefined); // the notification dismissed
    await run('vllmPools.startSidecar');
    await waitFor(() => world.contexts['vllmPools.portInUse'] === true, 'the port-in-use context for the view');
    assert.equal(world.treeMessage, `Sidecar port ${port} is in use`);
    await run('vllmPools.changePortSetting');
    assert.ok(world.messages.includes('command workbench.action.openSettings'));
    await run('vllmPools.useNextFreePort');
    await waitFor(() => world.contexts['vllmPools.sidecarRunning'] === true, 'running on the next free port');
    assert.equal(world.contexts['vllmPools.portInUse'], false);
    assert.ok(Number(/:(\d+)\/v1$/.exec(api.endpoint())?.[1]) > port);
    await run('vllmPools.stopSidecar');
  } finally {
    await new Promise<void>((r) => blocker.close(() => r()));
  }
});

test('an untrusted workspace never starts the sidecar from its config', { skip: !built }, async () => {
  world.trusted = false;
  world.messages.length = 0;
  try {
    await run('vllmPools.startSidecar');
    assert.ok(world.messages.some((m) => m.includes('not trusted')));
    assert.equal(world.contexts['vllmPools.sidecarRunning'], false);
  } finally {
    world.trusted = true;
  }
  await run('vllmPools.startSidecar');
  await waitFor(() => world.contexts['vllmPools.sidecarRunning'] === true, 'started once trusted');
});
