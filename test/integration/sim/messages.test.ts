// POST /v1/messages and /v1/messages/count_tokens through the official @anthropic-ai/sdk client and raw SSE.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { postJson } from './helpers';

const MODEL = 'Qwen/Qwen3-0.6B';
let fleet: SimFleet;
let base: string;
let client: Anthropic;

before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast', seed: 9 });
  base = fleet.urls[0]!;
  client = new Anthropic({ baseURL: base, apiKey: 'unused', maxRetries: 0 });
});

after(async () => {
  await fleet.close();
});

const SYSTEM = 'You are Claude Code, working in a repository. '.repeat(6);
const tools = [
  {
    name: 'Bash',
    description: 'Run a command',
    input_schema: { type: 'object' as const, properties: { command: { type: 'string' } }, required: ['command'] },
  },
];

async function rawEvents(body: unknown): Promise<Array<[string, Record<string, unknown>]>> {
  const res = await fetch(`${base}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  const raw = await res.text();
  assert.ok(!raw.includes('[DONE]'), 'no OpenAI terminator in an Anthropic stream');
  return raw
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return [eventLine!.slice(7), JSON.parse(dataLine!.slice(6)) as Record<string, unknown>];
    });
}

test('messages.create: an assistant message with a text block, stop_reason and usage', async () => {
  const message = await client.messages.create({
    model: MODEL,
    max_tokens: 64,
    system: SYSTEM,
    messages: [{ role: 'user', content: 'What does this repo do?' }],
  });
  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
  assert.equal(message.model, MODEL);
  assert.equal(message.content[0]!.type, 'text');
  assert.ok(['end_turn', 'max_tokens'].includes(message.stop_reason ?? ''));
  assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
  const capped = await client.messages.create({
    model: MODEL,
    max_tokens: 2,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Go on at length.' }] }],
  });
  assert.equal(capped.stop_reason, 'max_tokens');
  assert.equal(capped.usage.output_tokens, 2);
});

test('streamed: message_start, content_block_start/delta/stop, message_delta with usage, message_stop', async () => {
  const events = await rawEvents({
    model: MODEL,
    max_tokens: 64,
    stream: true,
    system: [{ type: 'text', text: SYSTEM }],
    messages: [{ role: 'user', content: 'Stream it.' }],
  });
  const names = events.map(([n]) => n);
  const deltas = names.filter((n) => n === 'content_block_delta').length;
  assert.ok(deltas > 0);
  assert.deepEqual(names, [
    'message_start',
    'content_block_start',
    ...Array(deltas).fill('content_block_delta'),
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  for (const [name, data] of events) assert.equal(data['type'], name);
  const start = events[0]![1]['message'] as { usage: { input_tokens: number } };
  const end = events.at(-2)![1] as {
    usage: { input_tokens: number; output_tokens: number };
    delta: { stop_reason: string };
  };
  assert.equal(end.usage.input_tokens, start.usage.input_tokens);
  assert.ok(end.usage.output_tokens > 0);
  assert.equal(end.delta.stop_reason, 'end_turn');
});

test('messages.stream through the SDK: the final message holds the streamed text', async () => {
  const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
  let text = '';
  stream.on('text', (delta) => {
    text += delta;
  });
  const final = await stream.finalMessage();
  const block = final.content[0]!;
  assert.equal(block.type, 'text');
  assert.equal(block.type === 'text' ? block.text : '', text);
  assert.ok(final.usage.output_tokens > 0);
});

test('tools: a tool_use block for a user turn (streamed as input_json_delta); the tool_result turn gets text', async () => {
  const message = await client.messages.create({
    model: MODEL,
    max_tokens: 128,
    tools,
    messages: [{ role: 'user', content: 'List the files.' }],
  });
  assert.equal(message.stop_reason, 'tool_use');
  const use = message.content.find((b) => b.type === 'tool_use');
  assert.ok(use && use.type === 'tool_use');
  assert.equal(use.name, 'Bash');
  assert.equal(typeof (use.input as { command: unknown }).command, 'string');

  const stream = client.messages.stream({
    model: MODEL,
    max_tokens: 128,
    tools,
    messages: [{ role: 'user', content: 'List the files.' }],
  });
  const streamed = await stream.finalMessage();
  const streamedUse = streamed.content.find((b) => b.type === 'tool_use');
  assert.ok(streamedUse && streamedUse.type === 'tool_use');
  assert.deepEqual(streamedUse.input, use.input);

  const answer = await client.messages.create({
    model: MODEL,
    max_tokens: 64,
    tools,
    messages: [
      { role: 'user', content: 'List the files.' },
      { role: 'assistant', content: [use] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'README.md\nsim/' }] },
    ],
  });
  assert.equal(answer.content[0]!.type, 'text');
});

test('messages.countTokens gives the input_tokens a create with the same prompt reports', async () => {
  const request = { model: MODEL, system: SYSTEM, tools, messages: [{ role: 'user' as const, content: 'Count me.' }] };
  const counted = await client.messages.countTokens(request);
  const tool = { ...request, tool_choice: { type: 'none' as const } };
  const created = await client.messages.create({ ...tool, max_tokens: 4 });
  assert.equal(counted.input_tokens, created.usage.input_tokens);
});

test("errors are Anthropic-shaped with vLLM's types; a mid-stream failure is event: error", async () => {
  const unknown = await postJson(`${base}/v1/messages`, {
    model: 'nope',
    max_tokens: 4,
    messages: [{ role: 'user', content: 'x' }],
  });
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body, {
    type: 'error',
    error: { type: 'NotFoundError', message: 'The model `nope` does not exist.' },
  });
  await assert.rejects(
    client.messages.create({ model: 'nope', max_tokens: 4, messages: [{ role: 'user', content: 'x' }] }),
    (error: unknown) => error instanceof Anthropic.NotFoundError,
  );
  for (const body of [
    { model: MODEL, messages: [{ role: 'user', content: 'x' }] },
    { model: MODEL, max_tokens: 4, messages: [] },
    { model: MODEL, max_tokens: 4, messages: [{ role: 'user', content: [] }] },
    'not json',
  ]) {
    const bad = await postJson(`${base}/v1/messages`, body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.equal(bad.body['type'], 'error');
  }
  await fleet.replicas[0]!.setFault({ kind: 'error-mid-stream', afterChunks: 3 });
  try {
    const events = await rawEvents({
      model: MODEL,
      max_tokens: 32,
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    assert.equal(events.length, 4);
    assert.deepEqual(events.at(-1), [
      'error',
      { type: 'error', error: { type: 'internal_error', message: 'simulated engine error' } },
    ]);
  } finally {
    await fleet.replicas[0]!.setFault('none');
  }
});
