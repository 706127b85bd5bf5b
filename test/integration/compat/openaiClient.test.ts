// The local endpoint through the official `openai` npm client, as IDE tools and scripts use it: the sidecar in front of
// simulated replicas (and a recording replica where what reached the replica matters).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type CompatSetup, RECORDED_MODEL, SIM_MODEL, startCompatSetup } from './compatSetup';
import { TOOL_ARGUMENT_PIECES, TOOL_CALL_ID } from './recordingReplica';

let setup: CompatSetup;
let client: OpenAI;

before(async () => {
  setup = await startCompatSetup();
  client = new OpenAI({ baseURL: setup.endpoint, apiKey: 'any-key-at-all', maxRetries: 0 });
});

after(async () => {
  await setup.close();
});

const messages = [
  { role: 'system' as const, content: 'You are a terse coding assistant.' },
  { role: 'user' as const, content: 'Explain a mutex in one line.' },
];

test('GET /v1/models lists the models of every pool, with vLLM model cards', async () => {
  const list = await client.models.list();
  const ids = list.data.map((model) => model.id).sort();
  assert.deepEqual(ids, [SIM_MODEL, RECORDED_MODEL].sort());
  const sim = list.data.find((model) => model.id === SIM_MODEL) as unknown as { max_model_len: number };
  assert.equal(sim.max_model_len, 32768);
});

test('chat streaming with stream_options.include_usage: text deltas, then one usage chunk with empty choices', async () => {
  const stream = await client.chat.completions.create({
    model: SIM_MODEL,
    messages,
    max_tokens: 16,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let usage: OpenAI.CompletionUsage | undefined;
  let chunks = 0;
  let finish: string | null = null;
  for await (const chunk of stream) {
    chunks += 1;
    if (chunk.usage) {
      assert.deepEqual(chunk.choices, []);
      usage = chunk.usage;
      continue;
    }
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.ok(chunks >= 3, `expected several chunks, got ${chunks}`);
  assert.ok(text.length > 0);
  assert.ok(finish === 'stop' || finish === 'length');
  assert.ok(usage, 'the usage chunk arrived');
  assert.ok(usage.completion_tokens > 0 && usage.completion_tokens <= 16);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
});

test('chat without streaming, and with n=2 (two choices, distinct indexes)', async () => {
  const single = await client.chat.completions.create({ model: SIM_MODEL, messages, max_tokens: 12 });
  assert.equal(single.object, 'chat.completion');
  assert.equal(single.choices.length, 1);
  assert.ok((single.choices[0]?.message.content ?? '').length > 0);
  assert.ok(single.usage && single.usage.completion_tokens > 0);

  const two = await client.chat.completions.create({ model: SIM_MODEL, messages, max_tokens: 12, n: 2 });
  assert.deepEqual(
    two.choices.map((choice) => choice.index),
    [0, 1],
  );
  const streamed = await client.chat.completions.create({
    model: SIM_MODEL,
    messages,
    max_tokens: 8,
    n: 2,
    stream: true,
  });
  const seen = new Set<number>();
  for await (const chunk of streamed) for (const choice of chunk.choices) seen.add(choice.index);
  assert.deepEqual([...seen].sort(), [0, 1]);
});

test('tools: the request reaches the replica byte for byte; tool-call deltas come back and assemble', async () => {
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'open_file',
        description: 'Open a file at a line',
        parameters: {
          type: 'object',
          properties: { path: { type: 'string' }, line: { type: 'integer', minimum: 1 } },
          required: ['path'],
          additionalProperties: false,
        },
        strict: true,
      },
    },
  ];
  const before = setup.recorder.recorded.length;
  const stream = await client.chat.completions.create({
    model: RECORDED_MODEL,
    messages,
    tools,
    tool_choice: 'auto',
    parallel_tool_calls: false,
    stream: true,
    stream_options: { include_usage: true },
  });
  const calls = new Map<number, { id: string; name: string; args: string }>();
  let finish: string | null = null;
  for await (const chunk of stream) {
    for (const choice of chunk.choices) {
      finish = choice.finish_reason ?? finish;
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { id: '', name: '', args: '' };
        call.id ||= delta.id ?? '';
        call.name ||= delta.function?.name ?? '';
        call.args += delta.function?.arguments ?? '';
        calls.set(delta.index, call);
      }
    }
  }
  assert.equal(finish, 'tool_calls');
  assert.deepEqual([...calls.values()], [{ id: TOOL_CALL_ID, name: 'open_file', args: TOOL_ARGUMENT_PIECES.join('') }]);
  assert.deepEqual(JSON.parse(calls.get(0)?.args ?? ''), { path: 'src/main.ts', line: 42 });

  const recorded = setup.recorder.recorded.slice(before);
  assert.equal(recorded.length, 1);
  const received = JSON.parse(recorded[0]?.body ?? '{}') as Record<string, unknown>;
  assert.deepEqual(received['tools'], tools);
  assert.equal(received['tool_choice'], 'auto');
  assert.equal(received['parallel_tool_calls'], false);

  // The round trip: the tool's result goes back as a `tool` message after the assistant's tool_calls, untouched.
  const followUp: OpenAI.ChatCompletionMessageParam[] = [
    ...messages,
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: TOOL_CALL_ID, type: 'function', function: { name: 'open_file', arguments: calls.get(0)?.args ?? '' } },
      ],
    },
    { role: 'tool', tool_call_id: TOOL_CALL_ID, content: 'int main() { return 42; }' },
  ];
  const answer = await client.chat.completions.create({ model: RECORDED_MODEL, messages: followUp, tools });
  assert.equal(answer.choices[0]?.message.content, 'ok');
  const second = JSON.parse(setup.recorder.recorded.at(-1)?.body ?? '{}') as Record<string, unknown>;
  assert.deepEqual(second['messages'], followUp);
});

test('a tool round trip on a simulated replica: streamed call deltas assemble, the tool result turn gets text', async () => {
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' }, days: { type: 'integer' } },
          required: ['city', 'days'],
        },
      },
    },
  ];
  const stream = await client.chat.completions.create({
    model: SIM_MODEL,
    messages,
    tools,
    stream: true,
    stream_options: { include_usage: true },
  });
  let id = '';
  let name = '';
  let args = '';
  let finish: string | null = null;
  let deltas = 0;
  for await (const chunk of stream) {
    for (const choice of chunk.choices) {
      finish = choice.finish_reason ?? finish;
      for (const delta of choice.delta.tool_calls ?? []) {
        deltas += 1;
        id ||= delta.id ?? '';
        name ||= delta.function?.name ?? '';
        args += delta.function?.arguments ?? '';
      }
    }
  }
  assert.equal(finish, 'tool_calls');
  assert.equal(name, 'get_weather');
  assert.ok(deltas >= 2, `arguments streamed in pieces (${deltas} deltas)`);
  const input = JSON.parse(args) as { city: unknown; days: unknown };
  assert.equal(typeof input.city, 'string');
  assert.equal(typeof input.days, 'number');

  const answer = await client.chat.completions.create({
    model: SIM_MODEL,
    max_tokens: 8,
    tools,
    messages: [
      ...messages,
      { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] },
      { role: 'tool', tool_call_id: id, content: '{"forecast": "sunny"}' },
    ],
  });
  assert.equal(answer.choices[0]?.finish_reason === 'tool_calls', false);
  assert.ok((answer.choices[0]?.message.content ?? '').length > 0);
});

test('/v1/completions: streaming and not; a FIM-templated prompt; `suffix` passed through untouched', async () => {
  const plain = await client.completions.create({ model: SIM_MODEL, prompt: 'def fib(n):', max_tokens: 10 });
  assert.equal(plain.object, 'text_completion');
  assert.ok((plain.choices[0]?.text ?? '').length > 0);

  // Continue's vLLM provider does autocomplete as a templated fill-in-the-middle prompt on /completions.
  const fim = '<|fim_prefix|>function add(a, b) {\n  <|fim_suffix|>\n}\n<|fim_middle|>';
  const stream = await client.completions.create({
    model: SIM_MODEL,
    prompt: fim,
    max_tokens: 12,
    temperature: 0.01,
    stop: ['<|endoftext|>', '\n\n'],
    stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  assert.ok(text.length > 0);

  const count = setup.recorder.recorded.length;
  const withSuffix = await client.completions.create({
    model: RECORDED_MODEL,
    prompt: 'function add(a, b) {\n  ',
    suffix: '\n}\n',
    max_tokens: 24,
  });
  assert.equal(withSuffix.choices[0]?.text, ' return 42;');
  const received = setup.recorder.recorded.slice(count);
  assert.equal(received[0]?.path, '/v1/completions');
  assert.equal((JSON.parse(received[0]?.body ?? '{}') as { suffix?: string }).suffix, '\n}\n');
});

test('/v1/embeddings: one vector per input', async () => {
  const result = await client.embeddings.create({ model: SIM_MODEL, input: ['alpha', 'beta gamma'] });
  assert.equal(result.data.length, 2);
  assert.ok(result.data.every((item) => Array.isArray(item.embedding) && item.embedding.length > 0));
  assert.ok(result.usage.prompt_tokens > 0);
});

test('paths without /v1 work too (a base URL without /v1)', async () => {
  const bare = new OpenAI({ baseURL: setup.sidecar.url, apiKey: 'x', maxRetries: 0 });
  const models = await bare.models.list();
  assert.ok(models.data.some((model) => model.id === SIM_MODEL));
  const chat = await bare.chat.completions.create({ model: SIM_MODEL, messages, max_tokens: 4 });
  assert.equal(chat.object, 'chat.completion');
  const embed = await bare.embeddings.create({ model: SIM_MODEL, input: 'x' });
  assert.equal(embed.data.length, 1);
});

test('any Bearer key (and none) is accepted when no clientToken is set', async () => {
  for (const authorization of ['Bearer sk-anything', 'Bearer EMPTY', undefined]) {
    const res = await fetch(`${setup.endpoint}/models`, authorization ? { headers: { authorization } } : {});
    assert.equal(res.status, 200, String(authorization));
    await res.arrayBuffer();
  }
});

test('a browser Origin gets 403 with an OpenAI-shaped error, and no CORS header', async () => {
  const res = await fetch(`${setup.endpoint}/chat/completions`, {
    method: 'POST',
    headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
    body: JSON.stringify({ model: SIM_MODEL, messages }),
  });
  assert.equal(res.status, 403);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  const body = (await res.json()) as { error: { message: string } };
  assert.match(body.error.message, /origin/);
  const preflight = await fetch(`${setup.endpoint}/chat/completions`, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
  });
  assert.equal(preflight.status, 403);
  await preflight.arrayBuffer();
});

test('with clientToken set, /v1 requires exactly that Bearer token', async () => {
  const guarded = await startCompatSetup({ clientToken: 'local-token-3b9e' });
  try {
    const wrong = new OpenAI({ baseURL: guarded.endpoint, apiKey: 'not-it', maxRetries: 0 });
    await assert.rejects(wrong.models.list(), (error: unknown) => {
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.equal(error.status, 401);
      assert.ok(!String(error.message).includes('local-token-3b9e'));
      return true;
    });
    const right = new OpenAI({ baseURL: guarded.endpoint, apiKey: 'local-token-3b9e', maxRetries: 0 });
    const chat = await right.chat.completions.create({ model: SIM_MODEL, messages, max_tokens: 4 });
    assert.equal(chat.object, 'chat.completion');
  } finally {
    await guarded.close();
  }
});
