// The chat provider's HTTP side (extension/chat/chatClient.ts) against the real sidecar: VS Code-shaped messages in,
// text and tool-call parts out, cancellation reaching the replica, and the failures a user can meet, in words.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { fetchModels, streamChatCompletion } from '../../../extension/chat/chatClient';
import { describeChatFailure } from '../../../extension/chat/errorText';
import { buildChatRequest, ROLE_ASSISTANT, ROLE_USER } from '../../../extension/chat/messageMapping';
import { buildModelCatalog } from '../../../extension/chat/modelCatalog';
import type { ResponsePart } from '../../../extension/chat/streamAssembler';
import { startSidecar } from '../../../sidecar/sidecar';
import { memoryLogger, testConfig, testPool, waitFor } from '../sidecar/testConfig';
import { type CompatSetup, RECORDED_MODEL, SIM_MODEL, startCompatSetup } from './compatSetup';
import { TOOL_CALL_ID } from './recordingReplica';

let setup: CompatSetup;

before(async () => {
  setup = await startCompatSetup();
});

after(async () => {
  await setup.close();
});

const userText = (value: string) => ({ role: ROLE_USER, content: [{ value }], name: undefined });

async function collect(body: Record<string, unknown>, signal = new AbortController().signal) {
  const parts: ResponsePart[] = [];
  const result = await streamChatCompletion({ endpoint: setup.endpoint }, body, (part) => parts.push(part), signal);
  return { parts, result };
}

test('models: the catalog from the live snapshot and /v1/models has both pools, with the sim context length', async () => {
  const cards = await fetchModels({ endpoint: setup.endpoint });
  const catalog = buildModelCatalog(setup.sidecar.state(), cards);
  const sim = catalog.find((model) => model.id === SIM_MODEL);
  assert.ok(sim);
  assert.equal(sim.version, 'sim');
  assert.equal(sim.maxInputTokens + sim.maxOutputTokens, 32768);
  assert.ok(catalog.some((model) => model.id === RECORDED_MODEL && model.version === 'recorded'));
});

test('a VS Code conversation streams back as text parts from a simulated replica, with usage', async () => {
  const body = buildChatRequest({
    model: SIM_MODEL,
    messages: [
      userText('What is a mutex?'),
      { role: ROLE_ASSISTANT, content: [{ value: 'A lock.' }], name: undefined },
      userText('More?'),
    ],
    modelOptions: { max_tokens: 12 },
  });
  const { parts, result } = await collect(body);
  assert.ok(parts.length >= 2, `several text parts, got ${parts.length}`);
  assert.ok(parts.every((part) => part.kind === 'text'));
  assert.ok(result.usage && result.usage.completionTokens > 0 && result.usage.completionTokens <= 12);
  assert.match(result.replica ?? '', /^sim-\d$/);
});

test('tools offered by VS Code reach the replica as OpenAI tools; the streamed call comes back as one tool-call part', async () => {
  const body = buildChatRequest({
    model: RECORDED_MODEL,
    messages: [userText('open main.ts')],
    tools: [
      {
        name: 'open_file',
        description: 'Open a file',
        inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
      },
    ],
    toolMode: 1,
  });
  const { parts, result } = await collect(body);
  assert.deepEqual(parts, [
    { kind: 'toolCall', callId: TOOL_CALL_ID, name: 'open_file', input: { path: 'src/main.ts', line: 42 } },
  ]);
  assert.equal(result.finishReason, 'tool_calls');
  const received = JSON.parse(setup.recorder.recorded.at(-1)?.body ?? '{}') as Record<string, unknown>;
  assert.deepEqual(received['tools'], body['tools']);
  assert.equal(received['tool_choice'], 'auto');
});

test('cancellation aborts the HTTP request, and the sidecar aborts the replica stream', async () => {
  setup.recorder.gapMs = 10_000;
  try {
    const abort = new AbortController();
    const parts: ResponsePart[] = [];
    const pending = streamChatCompletion(
      { endpoint: setup.endpoint },
      buildChatRequest({ model: RECORDED_MODEL, messages: [userText('long answer please')] }),
      (part) => {
        parts.push(part);
        abort.abort();
      },
      abort.signal,
    );
    await assert.rejects(pending, (error: unknown) => (error as Error).name === 'AbortError');
    assert.deepEqual(parts, [{ kind: 'text', text: 'first' }]);
    await waitFor(() => setup.recorder.aborted > 0, 3000, 'the replica to see the abort');
    await waitFor(() => setup.sidecar.inflight() === 0, 3000, 'the sidecar to release the stream');
  } finally {
    setup.recorder.gapMs = 0;
  }
});

test('an unknown model is a NotFound naming the known ones', async () => {
  await assert.rejects(collect(buildChatRequest({ model: 'nope', messages: [userText('hi')] })), (error: unknown) => {
    const described = describeChatFailure(error, { endpoint: setup.endpoint, model: 'nope' });
    assert.equal(described.code, 'NotFound');
    assert.match(described.message, /no pool serves the model nope.*Known models:.*Qwen/);
    return true;
  });
});

test('sidecar stopped: a readable "not running" error, not a stack of socket codes', async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
  const endpoint = `http://127.0.0.1:${port}/v1`;
  await assert.rejects(
    streamChatCompletion(
      { endpoint },
      buildChatRequest({ model: 'm', messages: [userText('x')] }),
      () => {},
      new AbortController().signal,
    ),
    (error: unknown) => {
      const described = describeChatFailure(error, { endpoint, model: 'm' });
      assert.equal(described.code, 'Unavailable');
      assert.match(described.message, /sidecar is not running/);
      return true;
    },
  );
});

test('no healthy replica: the 503 reads as such, with the retry hint', async () => {
  const deadPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
  const config = testConfig([
    testPool('dead', [{ url: `http://127.0.0.1:${deadPort}`, name: 'gone' }], { models: ['dead-model'], retries: 0 }),
  ]);
  const sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
  try {
    await waitFor(
      () => sidecar.state().pools[0]?.replicas[0]?.state === 'unhealthy',
      5000,
      'the replica to be unhealthy',
    );
    const endpoint = `${sidecar.url}/v1`;
    await assert.rejects(
      streamChatCompletion(
        { endpoint },
        buildChatRequest({ model: 'dead-model', messages: [userText('x')] }),
        () => {},
        new AbortController().signal,
      ),
      (error: unknown) => {
        const described = describeChatFailure(error, { endpoint, model: 'dead-model' });
        assert.equal(described.code, 'Unavailable');
        assert.match(described.message, /no healthy replica can take a request for dead-model/);
        assert.match(described.message, /Try again in \d+ s/);
        return true;
      },
    );
  } finally {
    await sidecar.close(200);
  }
});
