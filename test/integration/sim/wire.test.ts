// The simulator on the wire, field by field against reference vllm.md §1, and through the official openai client.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { postJson, postSse } from './helpers';

const MODEL = 'Qwen/Qwen3-0.6B';
let fleet: SimFleet;
let base: string;
let client: OpenAI;

before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast', seed: 3 });
  base = fleet.urls[0]!;
  client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
});

after(async () => {
  await fleet.close();
});

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'What does a load balancer do?' },
];

test('/health and /ping answer 200 with an empty body; /version gives a version', async () => {
  for (const path of ['/health', '/ping']) {
    const res = await fetch(`${base}${path}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
  }
  const ping = await fetch(`${base}/ping`, { method: 'POST' });
  assert.equal(ping.status, 200);
  const version = (await (await fetch(`${base}/version`)).json()) as { version: string };
  assert.match(version.version, /^\d+\.\d+\.\d+/);
});

test('/v1/models has the exact ModelList / ModelCard shape', async () => {
  const body = (await (await fetch(`${base}/v1/models`)).json()) as {
    object: string;
    data: Array<Record<string, unknown> & { permission: Array<Record<string, unknown>> }>;
  };
  assert.equal(body.object, 'list');
  assert.equal(body.data.length, 1);
  const card = body.data[0]!;
  assert.deepEqual(Object.keys(card), [
    'id',
    'object',
    'created',
    'owned_by',
    'root',
    'parent',
    'max_model_len',
    'permission',
  ]);
  assert.equal(card['id'], MODEL);
  assert.equal(card['object'], 'model');
  assert.equal(card['owned_by'], 'vllm');
  assert.equal(card['root'], MODEL);
  assert.equal(card['parent'], null);
  assert.equal(card['max_model_len'], 32768);
  const permission = card.permission[0]!;
  assert.match(String(permission['id']), /^modelperm-[0-9a-f]+$/);
  assert.equal(permission['object'], 'model_permission');
  assert.equal(permission['allow_sampling'], true);
  assert.equal(permission['organization'], '*');
  assert.equal(permission['group'], null);
  const listed = await client.models.list();
  assert.deepEqual(
    listed.data.map((m) => m.id),
    [MODEL],
  );
});

test('non-streaming chat: the openai client parses it; fields as vLLM sends them', async () => {
  const completion = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 200 });
  assert.match(completion.id, /^chatcmpl-[0-9a-f]{32}$/);
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, MODEL);
  assert.equal(completion.choices.length, 1);
  const choice = completion.choices[0]!;
  assert.equal(choice.index, 0);
  assert.equal(choice.message.role, 'assistant');
  assert.ok((choice.message.content ?? '').length > 0);
  assert.equal(choice.finish_reason, 'stop');
  assert.equal(choice.logprobs, null);
  const usage = completion.usage!;
  assert.ok(usage.prompt_tokens > 10);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  const raw = await postJson(`${base}/v1/chat/completions`, { model: MODEL, messages });
  assert.equal(raw.status, 200);
  assert.equal(raw.headers.get('content-type'), 'application/json');
  for (const key of ['id', 'object', 'created', 'model', 'choices', 'usage', 'prompt_logprobs', 'kv_transfer_params']) {
    assert.ok(key in raw.body, `missing ${key}`);
  }
  const rawChoice = (raw.body['choices'] as Array<Record<string, unknown>>)[0]!;
  assert.deepEqual(Object.keys(rawChoice), ['index', 'message', 'logprobs', 'finish_reason', 'stop_reason']);
  assert.equal(rawChoice['stop_reason'], null);
  assert.equal((raw.body['usage'] as Record<string, unknown>)['prompt_tokens_details'], null);
});

test('streaming chat: role chunk at the first token, finish_reason on the last token chunk, [DONE]', async () => {
  const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.length >= 3);
  assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: 'assistant', content: '' });
  assert.equal(chunks[0]!.choices[0]!.finish_reason, null);
  const last = chunks[chunks.length - 1]!;
  assert.equal(last.choices[0]!.finish_reason, 'stop');
  for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.choices[0]!.finish_reason, null);
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]!.id && !c.usage));

  const raw = await postSse(`${base}/v1/chat/completions`, { model: MODEL, messages, stream: true });
  assert.equal(raw.status, 200);
  assert.equal(raw.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  assert.ok(raw.done);
  assert.ok(raw.raw.endsWith('data: [DONE]\n\n'));
  const tokenChunk = raw.events[1]!;
  assert.deepEqual(Object.keys(tokenChunk), ['id', 'object', 'created', 'model', 'choices']);
  assert.deepEqual(Object.keys((tokenChunk['choices'] as object[])[0]!), [
    'index',
    'delta',
    'logprobs',
    'finish_reason',
  ]);
  const lastChoice = (raw.events[raw.events.length - 1]!['choices'] as Array<Record<string, unknown>>)[0]!;
  assert.equal(lastChoice['finish_reason'], 'stop');
  assert.equal(lastChoice['stop_reason'], null);
});

test('the usage chunk comes only with stream_options.include_usage, after the choices, with no choices', async () => {
  const withUsage = await postSse(`${base}/v1/chat/completions`, {
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  const usageChunk = withUsage.events[withUsage.events.length - 1]!;
  assert.deepEqual(usageChunk['choices'], []);
  const usage = usageChunk['usage'] as { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  assert.deepEqual(Object.keys(usage), ['prompt_tokens', 'total_tokens', 'completion_tokens']);
  const tokenChunks = withUsage.events.slice(1, -1);
  assert.equal(usage.completion_tokens, tokenChunks.length);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  let seenUsage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) if (chunk.usage) seenUsage = chunk.usage;
  assert.deepEqual(seenUsage, usage);
});

test('stream_options without stream is a 400 naming the parameter', async () => {
  const res = await postJson(`${base}/v1/chat/completions`, { messages, stream_options: { include_usage: true } });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body, {
    error: {
      message: 'Stream options can only be defined when `stream=True`.',
      type: 'BadRequestError',
      param: 'stream_options',
      code: 400,
    },
  });
});

test('completions, streaming and not, with a list of prompts giving one choice each', async () => {
  const completion = await client.completions.create({
    model: MODEL,
    prompt: ['Once upon', 'In a land'],
    max_tokens: 5,
    ignore_eos: true,
  } as OpenAI.CompletionCreateParamsNonStreaming);
  assert.match(completion.id, /^cmpl-/);
  assert.equal(completion.object, 'text_completion');
  assert.deepEqual(
    completion.choices.map((c) => c.index),
    [0, 1],
  );
  assert.equal(completion.usage!.completion_tokens, 10);
  const stream = await client.completions.create({
    model: MODEL,
    prompt: 'Once upon a time',
    stream: true,
    max_tokens: 3,
    ignore_eos: true,
  } as OpenAI.CompletionCreateParamsStreaming);
  const texts: string[] = [];
  let finish: string | null = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'text_completion');
    texts.push(chunk.choices[0]!.text);
    finish = chunk.choices[0]!.finish_reason;
  }
  assert.equal(texts.length, 3);
  assert.equal(finish, 'length');
  const raw = await postJson(`${base}/v1/completions`, { prompt: [1, 2, 3, 4], max_tokens: 2, ignore_eos: true });
  const usage = raw.body['usage'] as Record<string, number>;
  assert.equal(usage['prompt_tokens'], 4);
  assert.equal(usage['completion_tokens'], 2);
});

test('max_tokens with ignore_eos gives exactly that many tokens and finish_reason length', async () => {
  const completion = await client.chat.completions.create({
    model: MODEL,
    messages,
    max_tokens: 40,
    ignore_eos: true,
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  assert.equal(completion.usage!.completion_tokens, 40);
  assert.equal(completion.choices[0]!.finish_reason, 'length');
  const capped = await client.chat.completions.create({
    model: MODEL,
    messages,
    max_tokens: 100,
    max_completion_tokens: 2,
  });
  assert.equal(capped.usage!.completion_tokens, 2);
  assert.equal(capped.choices[0]!.finish_reason, 'length');
});

test('n choices stream with their own index and usage sums their tokens', async () => {
  const raw = await postSse(`${base}/v1/chat/completions`, {
    messages,
    n: 3,
    stream: true,
    stream_options: { include_usage: true },
  });
  const indices = new Set<number>();
  let tokenChunks = 0;
  for (const event of raw.events.slice(0, -1)) {
    const choice = (event['choices'] as Array<{ index: number; delta: { role?: string } }>)[0]!;
    indices.add(choice.index);
    if (!choice.delta.role) tokenChunks++;
  }
  assert.deepEqual([...indices].sort(), [0, 1, 2]);
  const usage = raw.events[raw.events.length - 1]!['usage'] as { completion_tokens: number };
  assert.equal(usage.completion_tokens, tokenChunks);
  const nonStream = await client.chat.completions.create({ model: MODEL, messages, n: 2 });
  assert.deepEqual(
    nonStream.choices.map((c) => c.index),
    [0, 1],
  );
  assert.notEqual(nonStream.choices[0]!.message.content, nonStream.choices[1]!.message.content);
});

test('a stop string ends the answer before it, with finish_reason stop and stop_reason set', async () => {
  const probe = await client.completions.create({
    model: MODEL,
    prompt: 'stop test',
    max_tokens: 30,
    ignore_eos: true,
  } as OpenAI.CompletionCreateParamsNonStreaming);
  const full = probe.choices[0]!.text;
  const stop = full.slice(10, 13);
  const cut = await client.completions.create({
    model: MODEL,
    prompt: 'stop test',
    max_tokens: 30,
    stop: [stop],
    ignore_eos: true,
  } as OpenAI.CompletionCreateParamsNonStreaming);
  const choice = cut.choices[0]! as OpenAI.CompletionChoice & { stop_reason?: string };
  assert.equal(choice.text, full.slice(0, full.indexOf(stop)));
  assert.equal(choice.finish_reason, 'stop');
  assert.equal(choice.stop_reason, stop);
});

test('X-Request-Id becomes the response id', async () => {
  const res = await postJson(`${base}/v1/chat/completions`, { messages, max_tokens: 2 }, { 'x-request-id': 'abc-123' });
  assert.equal(res.body['id'], 'chatcmpl-abc-123');
  const completion = await postJson(`${base}/v1/completions`, { prompt: 'x', max_tokens: 2 }, { 'x-request-id': 'r9' });
  assert.equal(completion.body['id'], 'cmpl-r9');
});

test('embeddings: unit vectors, decoded by the openai client (base64) and as floats', async () => {
  const result = await client.embeddings.create({ model: MODEL, input: ['alpha', 'beta'] });
  assert.equal(result.object, 'list');
  assert.equal(result.data.length, 2);
  const [a, b] = result.data.map((d) => d.embedding);
  assert.equal(a!.length, 32);
  assert.ok(Math.abs(Math.hypot(...a!) - 1) < 1e-5);
  assert.notDeepEqual(a, b);
  const raw = await postJson(`${base}/v1/embeddings`, { input: 'alpha', encoding_format: 'float' });
  assert.match(String(raw.body['id']), /^embd-/);
  const data = raw.body['data'] as Array<{ index: number; object: string; embedding: number[] }>;
  assert.equal(data[0]!.object, 'embedding');
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(data[0]!.embedding[i]! - a![i]!) < 1e-6);
  assert.deepEqual(raw.body['usage'], {
    prompt_tokens: 2,
    total_tokens: 2,
    completion_tokens: 0,
    prompt_tokens_details: null,
  });
});

test('errors: unknown model 404, bad JSON 400, context too long 400, unknown route 404, wrong method 405', async () => {
  await assert.rejects(client.chat.completions.create({ model: 'nope', messages }), (error: unknown) => {
    assert.ok(error instanceof OpenAI.NotFoundError);
    return true;
  });
  const unknown = await postJson(`${base}/v1/chat/completions`, { model: 'nope', messages });
  assert.deepEqual(unknown.body, {
    error: { message: 'The model `nope` does not exist.', type: 'NotFoundError', param: 'model', code: 404 },
  });
  const badJson = await postJson(`${base}/v1/chat/completions`, '{"messages": [');
  assert.equal(badJson.status, 400);
  assert.equal((badJson.body['error'] as { code: number }).code, 400);
  const tooLong = await postJson(`${base}/v1/completions`, { prompt: 'x'.repeat(4 * 32_768) });
  assert.equal(tooLong.status, 400);
  assert.match(
    String((tooLong.body['error'] as { message: string }).message),
    /maximum context length is 32768 tokens/,
  );
  const tooMany = await postJson(`${base}/v1/completions`, { prompt: 'x'.repeat(400), max_tokens: 32_700 });
  assert.match(
    String((tooMany.body['error'] as { message: string }).message),
    /'max_tokens' or 'max_completion_tokens' is too large: 32700/,
  );
  const noRoute = await fetch(`${base}/v1/nothing`);
  assert.equal(noRoute.status, 404);
  assert.deepEqual(await noRoute.json(), { detail: 'Not Found' });
  const wrongMethod = await fetch(`${base}/v1/chat/completions`);
  assert.equal(wrongMethod.status, 405);
});

test('--api-key guards /v1 paths with 401 {"error":"Unauthorized"}; health and metrics stay open', async () => {
  const guarded = await startSimFleet({ replicas: 1, profile: 'fast', apiKey: 'sk-test-key' });
  try {
    const url = guarded.urls[0]!;
    const denied = await fetch(`${url}/v1/models`);
    assert.equal(denied.status, 401);
    assert.deepEqual(await denied.json(), { error: 'Unauthorized' });
    const wrong = await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer other' } });
    assert.equal(wrong.status, 401);
    const ok = await fetch(`${url}/v1/models`, { headers: { authorization: 'bearer sk-test-key' } });
    assert.equal(ok.status, 200);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    assert.equal((await fetch(`${url}/metrics`)).status, 200);
    const keyed = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-test-key', maxRetries: 0 });
    const completion = await keyed.chat.completions.create({ model: MODEL, messages, max_tokens: 2 });
    assert.equal(completion.choices.length, 1);
  } finally {
    await guarded.close();
  }
});

test('same seed, same request: same tokens; another seed: other tokens', async () => {
  const other = await startSimFleet({ replicas: 1, profile: 'fast', seed: 4 });
  try {
    const body = { messages, max_tokens: 20, ignore_eos: true };
    const a = await postJson(`${base}/v1/chat/completions`, body);
    const b = await postJson(`${base}/v1/chat/completions`, body);
    const c = await postJson(`${other.urls[0]!}/v1/chat/completions`, body);
    const text = (r: { body: Record<string, unknown> }) =>
      (r.body['choices'] as Array<{ message: { content: string } }>)[0]!.message.content;
    assert.equal(text(a), text(b));
    assert.notEqual(text(a), text(c));
  } finally {
    await other.close();
  }
});

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city', 'days'],
    },
  },
};

test('with tools, a user turn gets a tool call (streamed and not) and a tool result gets text', async () => {
  const ask = [{ role: 'user' as const, content: 'Weather in Paris?' }];
  const completion = await client.chat.completions.create({ model: MODEL, messages: ask, tools: [weatherTool] });
  const choice = completion.choices[0]!;
  assert.equal(choice.finish_reason, 'tool_calls');
  const call = choice.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.match(call.id, /^chatcmpl-tool-/);
  assert.deepEqual(Object.keys(JSON.parse(call.function.arguments)), ['city', 'days']);

  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: ask,
    tools: [weatherTool],
    stream: true,
  });
  let args = '';
  let name = '';
  let finish: string | null = null;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta;
    for (const part of delta?.tool_calls ?? []) {
      name += part.function?.name ?? '';
      args += part.function?.arguments ?? '';
    }
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(name, 'get_weather');
  assert.equal(args, call.function.arguments);
  assert.equal(finish, 'tool_calls');

  const answer = await client.chat.completions.create({
    model: MODEL,
    tools: [weatherTool],
    messages: [
      ...ask,
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: '{"temp": 21}' },
    ],
  });
  assert.equal(answer.choices[0]!.finish_reason, 'stop');
  assert.deepEqual(answer.choices[0]!.message.tool_calls, []);
  const none = await client.chat.completions.create({
    model: MODEL,
    messages: ask,
    tools: [weatherTool],
    tool_choice: 'none',
  });
  assert.equal(none.choices[0]!.finish_reason, 'stop');
});
