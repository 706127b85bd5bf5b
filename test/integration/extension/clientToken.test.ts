// The extension's own calls to a token-protected sidecar (VS Code chat, Connect an AI Tool) send the config's
// clientToken, resolved from SecretStorage or the environment like the sidecar's child process gets it; never the
// host's VLLM_POOLS_CLIENT_TOKEN alone. A small fake endpoint records the Authorization header it is sent.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { snapshot } from '../../unit/extension/fixtures';
import { createVscodeStub, fakeSecretStorage, installVscodeStub, type StubWorld } from './vscodeStub';

const TOKEN = 'team-token-0123456789';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';

class LanguageModelTextPart {
  constructor(readonly value: string) {}
}
class LanguageModelToolCallPart {}

let server: Server;
let endpoint: string;
const seen: string[] = [];
let folder: string;
let world: StubWorld;
let uninstall: () => void;

type ChatProviderModule = typeof import('../../../extension/chatProvider');
type EndpointFactsModule = typeof import('../../../extension/connectTool/endpointFacts');
type ManagerModule = typeof import('../../../extension/sidecarManager');
type SecretStoreModule = typeof import('../../../extension/secretStore');
let chat: ChatProviderModule;
let facts: EndpointFactsModule;
let managerModule: ManagerModule;
let secretStore: SecretStoreModule;

before(async () => {
  server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? '';
    seen.push(authorization);
    if (authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: 'missing or wrong client token', type: 'auth', param: null, code: 401 } }),
      );
      return;
    }
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model', max_model_len: 4321 }] }));
      return;
    }
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'hello' } }] })}\n\n`);
    res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  folder = mkdtempSync(join(tmpdir(), 'vllm-pools-token-'));
  const stub = createVscodeStub(folder);
  world = stub.world;
  Object.assign(stub.vscode, { LanguageModelTextPart, LanguageModelToolCallPart });
  uninstall = installVscodeStub(stub.vscode);
  chat = require('../../../extension/chatProvider') as ChatProviderModule;
  facts = require('../../../extension/connectTool/endpointFacts') as EndpointFactsModule;
  managerModule = require('../../../extension/sidecarManager') as ManagerModule;
  secretStore = require('../../../extension/secretStore') as SecretStoreModule;
});

after(async () => {
  uninstall?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(folder, { recursive: true, force: true });
});

function cancellation() {
  return { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
}

function provider(clientToken: () => Promise<string | undefined>) {
  const logs: string[] = [];
  const log = Object.fromEntries(
    ['trace', 'debug', 'info', 'warn', 'error'].map((level) => [level, (m: string) => logs.push(`${level} ${m}`)]),
  );
  const instance = new chat.PoolsChatProvider({
    endpoint: () => endpoint,
    snapshot: () => snapshot(),
    onDidChangeSnapshot: () => ({ dispose() {} }),
    log: log as never,
    clientToken,
  });
  return { instance, logs };
}

test('VS Code chat: models and a streamed answer with the resolved client token', async () => {
  const before = process.env['VLLM_POOLS_CLIENT_TOKEN'];
  delete process.env['VLLM_POOLS_CLIENT_TOKEN'];
  try {
    seen.length = 0;
    const { instance, logs } = provider(async () => TOKEN);
    const models = await instance.provideLanguageModelChatInformation({ silent: true }, cancellation() as never);
    const model = models.find((m) => m.id === MODEL);
    assert.ok(model, 'the pool model is offered');
    const parts: unknown[] = [];
    await instance.provideLanguageModelChatResponse(
      model,
      [{ role: 1, content: [new LanguageModelTextPart('hi')], name: undefined }] as never,
      { toolMode: 1 } as never,
      { report: (part: unknown) => parts.push(part) },
      cancellation() as never,
    );
    assert.deepEqual(
      parts.map((p) => (p as LanguageModelTextPart).value),
      ['hello'],
    );
    assert.deepEqual(new Set(seen), new Set([`Bearer ${TOKEN}`]));
    assert.ok(!logs.some((l) => l.includes(TOKEN)), 'the token is never logged');
    instance.dispose();
  } finally {
    if (before !== undefined) process.env['VLLM_POOLS_CLIENT_TOKEN'] = before;
  }
});

test('VS Code chat: a token that cannot be resolved gives the 401 advice, without any token value', async () => {
  const { instance, logs } = provider(async () => undefined);
  const [model] = await instance.provideLanguageModelChatInformation({ silent: true }, cancellation() as never);
  assert.ok(model);
  await assert.rejects(
    instance.provideLanguageModelChatResponse(
      model,
      [{ role: 1, content: [new LanguageModelTextPart('hi')], name: undefined }] as never,
      { toolMode: 1 } as never,
      { report: () => {} },
      cancellation() as never,
    ),
    (error: Error) => /clientToken/.test(error.message) && /Set API Key/.test(error.message),
  );
  assert.ok(!logs.some((l) => l.includes(TOKEN)));
  instance.dispose();
});

test('Connect an AI Tool: the 401 is noticed and the models are read with the resolved token', async () => {
  const result = await facts.gatherEndpointFacts({
    endpoint: () => endpoint,
    running: () => true,
    snapshot: () => undefined,
    clientToken: async () => TOKEN,
  });
  assert.equal(result.tokenRequired, true);
  assert.deepEqual(result.models, [{ id: MODEL, contextTokens: 4321 }]);
  assert.ok(!JSON.stringify(result).includes(TOKEN));
});

test('SidecarManager.clientToken: ${secret:NAME} from SecretStorage, ${env:NAME} from the environment', async () => {
  const file = join(folder, 'vllm-pools.yaml');
  const pools = 'pools:\n  - name: p\n    replicas: [{ url: http://127.0.0.1:9 }]\n';
  const store = new secretStore.SecretStore(fakeSecretStorage(world) as never);
  const log = Object.fromEntries(['trace', 'debug', 'info', 'warn', 'error'].map((level) => [level, () => {}]));
  const manager = new managerModule.SidecarManager(folder, log as never, store);
  try {
    manager.configUri = { fsPath: file } as never;
    writeFileSync(file, `clientToken: \${secret:team}\n${pools}`);
    assert.equal(await manager.clientToken(), undefined, 'not stored yet');
    await store.set('team', TOKEN);
    assert.equal(await manager.clientToken(), TOKEN);
    writeFileSync(file, `clientToken: \${env:VLLM_POOLS_TEST_TEAM_TOKEN}\n${pools}`);
    process.env['VLLM_POOLS_TEST_TEAM_TOKEN'] = 'from-env';
    assert.equal(await manager.clientToken(), 'from-env');
  } finally {
    delete process.env['VLLM_POOLS_TEST_TEAM_TOKEN'];
    manager.dispose();
  }
});
