// PoolsChatProvider (extension/chatProvider.ts) in plain Node with a minimal stub of the `vscode` module, against the
// real sidecar: the models it offers, the parts it reports (as VS Code part objects), cancellation through the
// CancellationToken, the change event, and errors. The real VS Code path is the e2e suite's.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { StateSnapshot } from '../../../core/protocol';
import { Disposable, EventEmitter, installVscodeStub } from '../extension/vscodeStub';
import { waitFor } from '../sidecar/testConfig';
import { type CompatSetup, RECORDED_MODEL, SIM_MODEL, startCompatSetup } from './compatSetup';
import { TOOL_CALL_ID } from './recordingReplica';

class LanguageModelTextPart {
  constructor(readonly value: string) {}
}
class LanguageModelToolCallPart {
  constructor(
    readonly callId: string,
    readonly name: string,
    readonly input: object,
  ) {}
}
class LanguageModelError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
  static NotFound(message?: string) {
    return new LanguageModelError(message ?? '', 'NotFound');
  }
}
const registered: Array<{ vendor: string; provider: unknown }> = [];
const stub = {
  EventEmitter,
  Disposable,
  LanguageModelTextPart,
  LanguageModelToolCallPart,
  LanguageModelError,
  lm: {
    registerLanguageModelChatProvider(vendor: string, provider: unknown) {
      registered.push({ vendor, provider });
      return new Disposable(() => registered.splice(0));
    },
  },
};

type ChatProviderModule = typeof import('../../../extension/chatProvider');
type Provider = InstanceType<ChatProviderModule['PoolsChatProvider']>;

let setup: CompatSetup;
let uninstall: () => void;
let module: ChatProviderModule;
let running = true;
const snapshots = new EventEmitter<StateSnapshot | undefined>();
const logs: string[] = [];
let registration: { dispose(): void };
let provider: Provider;

const log = Object.fromEntries(
  ['trace', 'debug', 'info', 'warn', 'error'].map((level) => [
    level,
    (message: string) => logs.push(`${level}: ${message}`),
  ]),
);

function token(cancelAfterParts?: number) {
  const listeners = new Set<() => void>();
  const state = {
    isCancellationRequested: false,
    onCancellationRequested(listener: () => void) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    cancel() {
      state.isCancellationRequested = true;
      for (const listener of listeners) listener();
    },
    cancelAfterParts,
  };
  return state;
}

async function respond(
  modelId: string,
  messages: unknown[],
  options: Record<string, unknown> = {},
  cancelAfterParts?: number,
) {
  const models = await provider.provideLanguageModelChatInformation({ silent: true }, token() as never);
  const model = models.find((m) => m.id === modelId);
  assert.ok(model, `model ${modelId} offered`);
  const parts: unknown[] = [];
  const cancellation = token(cancelAfterParts);
  const progress = {
    report(part: unknown) {
      parts.push(part);
      if (cancelAfterParts !== undefined && parts.length >= cancelAfterParts) cancellation.cancel();
    },
  };
  await provider.provideLanguageModelChatResponse(
    model,
    messages as never,
    { toolMode: 1, ...options } as never,
    progress,
    cancellation as never,
  );
  return parts;
}

before(async () => {
  setup = await startCompatSetup();
  uninstall = installVscodeStub(stub);
  module = require('../../../extension/chatProvider') as ChatProviderModule;
  registration = module.registerChatProvider({
    endpoint: () => (running ? setup.endpoint : undefined),
    snapshot: () => (running ? setup.sidecar.state() : undefined),
    onDidChangeSnapshot: snapshots.event as never,
    log: log as never,
  });
  provider = registered[0]?.provider as Provider;
});

after(async () => {
  registration.dispose();
  uninstall();
  await setup.close();
});

test('registered under the vendor vllm-pools, offering every pool model with its context budget', async () => {
  assert.equal(registered[0]?.vendor, 'vllm-pools');
  assert.equal(module.CHAT_VENDOR, 'vllm-pools');
  const models = await provider.provideLanguageModelChatInformation({ silent: true }, token() as never);
  assert.deepEqual(models.map((m) => m.id).sort(), [RECORDED_MODEL, SIM_MODEL].sort());
  const sim = models.find((m) => m.id === SIM_MODEL);
  assert.equal(sim?.family, SIM_MODEL);
  assert.equal(sim?.maxInputTokens, 32768 - 4096);
  assert.equal(sim?.capabilities.toolCalling, true);
});

test('a reply streams as LanguageModelTextPart objects from a simulated replica', async () => {
  const parts = await respond(
    SIM_MODEL,
    [{ role: 1, content: [new LanguageModelTextPart('Hello there')], name: undefined }],
    {
      modelOptions: { max_tokens: 10 },
    },
  );
  assert.ok(parts.length >= 2);
  assert.ok(parts.every((part) => part instanceof LanguageModelTextPart));
});

test('a tool call comes back as a LanguageModelToolCallPart with parsed input', async () => {
  const parts = await respond(
    RECORDED_MODEL,
    [{ role: 1, content: [new LanguageModelTextPart('open it')], name: undefined }],
    {
      tools: [{ name: 'open_file', description: 'Open', inputSchema: { type: 'object' } }],
    },
  );
  assert.equal(parts.length, 1);
  assert.ok(parts[0] instanceof LanguageModelToolCallPart);
  assert.deepEqual(
    { ...(parts[0] as LanguageModelToolCallPart) },
    {
      callId: TOOL_CALL_ID,
      name: 'open_file',
      input: { path: 'src/main.ts', line: 42 },
    },
  );
});

test('cancelling the token ends the response quietly and aborts the replica stream', async () => {
  setup.recorder.gapMs = 10_000;
  const abortedBefore = setup.recorder.aborted;
  try {
    const parts = await respond(
      RECORDED_MODEL,
      [{ role: 1, content: [new LanguageModelTextPart('go')], name: undefined }],
      {},
      1,
    );
    assert.equal(parts.length, 1);
    await waitFor(() => setup.recorder.aborted > abortedBefore, 3000, 'the replica to see the abort');
  } finally {
    setup.recorder.gapMs = 0;
  }
});

test('token count: about 4 characters per token', async () => {
  const models = await provider.provideLanguageModelChatInformation({ silent: true }, token() as never);
  const model = models[0]!;
  assert.equal(await provider.provideTokenCount(model, 'x'.repeat(40), token() as never), 10);
  assert.equal(
    await provider.provideTokenCount(
      model,
      { role: 1, content: [new LanguageModelTextPart('abcdefgh')], name: undefined } as never,
      token() as never,
    ),
    2,
  );
});

test('the change event fires when the offered models change, not for every snapshot', async () => {
  const state = setup.sidecar.state();
  snapshots.fire(state); // the baseline
  let fired = 0;
  const subscription = provider.onDidChangeLanguageModelChatInformation(() => {
    fired += 1;
  });
  snapshots.fire(state);
  snapshots.fire({ ...state, now: state.now + 1000 });
  const fewer = { ...state, pools: state.pools.slice(0, 1) };
  snapshots.fire(fewer);
  snapshots.fire(fewer);
  snapshots.fire(undefined);
  subscription.dispose();
  assert.equal(fired, 2, 'once for the lost pool, once for the stopped sidecar');
});

test('sidecar stopped: no models offered, and a request fails with the "not running" message', async () => {
  const models = await provider.provideLanguageModelChatInformation({ silent: true }, token() as never);
  running = false;
  try {
    assert.deepEqual(await provider.provideLanguageModelChatInformation({ silent: true }, token() as never), []);
    await assert.rejects(
      provider.provideLanguageModelChatResponse(
        models[0]!,
        [],
        { toolMode: 1 } as never,
        { report() {} },
        token() as never,
      ),
      /sidecar is not running/,
    );
  } finally {
    running = true;
  }
});

test('an unknown model is a LanguageModelError.NotFound', async () => {
  const models = await provider.provideLanguageModelChatInformation({ silent: true }, token() as never);
  const ghost = { ...models[0]!, id: 'ghost-model' };
  await assert.rejects(
    provider.provideLanguageModelChatResponse(
      ghost,
      [{ role: 1, content: [new LanguageModelTextPart('hi')], name: undefined }] as never,
      { toolMode: 1 } as never,
      { report() {} },
      token() as never,
    ),
    (error: unknown) =>
      error instanceof LanguageModelError && error.code === 'NotFound' && /ghost-model/.test(error.message),
  );
});

test('replicas that refuse tools (vLLM without --enable-auto-tool-choice): answered again without the tools', async () => {
  setup.recorder.rejectTools = true;
  const count = setup.recorder.recorded.length;
  try {
    const parts = await respond(
      RECORDED_MODEL,
      [{ role: 1, content: [new LanguageModelTextPart('hi')], name: undefined }],
      {
        tools: [{ name: 'open_file', description: 'Open', inputSchema: { type: 'object' } }],
      },
    );
    assert.deepEqual(
      parts.map((part) => (part as LanguageModelTextPart).value),
      ['first', ' second'],
    );
    const bodies = setup.recorder.recorded.slice(count).map((r) => JSON.parse(r.body) as Record<string, unknown>);
    assert.equal(bodies.length, 2);
    assert.ok(bodies[0]?.['tools']);
    assert.equal(bodies[1]?.['tools'], undefined);
    assert.equal(bodies[1]?.['tool_choice'], undefined);
  } finally {
    setup.recorder.rejectTools = false;
  }
});

test('a tool round trip with a simulated replica: call part, then the tool result message gets text', async () => {
  const tools = [
    {
      name: 'search_code',
      description: 'Search',
      inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    },
  ];
  const user = { role: 1, content: [new LanguageModelTextPart('find the main function')], name: undefined };
  const first = await respond(SIM_MODEL, [user], { tools });
  assert.equal(first.length, 1);
  const call = first[0] as LanguageModelToolCallPart;
  assert.ok(call instanceof LanguageModelToolCallPart);
  assert.equal(call.name, 'search_code');
  assert.equal(typeof (call.input as { query?: unknown }).query, 'string');
  const second = await respond(
    SIM_MODEL,
    [
      user,
      { role: 2, content: [call], name: undefined },
      {
        role: 1,
        content: [{ callId: call.callId, content: [new LanguageModelTextPart('main.ts:1')] }],
        name: undefined,
      },
    ],
    { tools, modelOptions: { max_tokens: 8 } },
  );
  assert.ok(second.length > 0);
  assert.ok(second.every((part) => part instanceof LanguageModelTextPart));
});
