// POST /v1/responses and the stored-response routes, through the official openai client and raw SSE.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { postJson, waitFor } from './helpers';

const MODEL = 'Qwen/Qwen3-0.6B';
let fleet: SimFleet;
let base: string;
let client: OpenAI;

before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast', seed: 5 });
  base = fleet.urls[0]!;
  client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
});

after(async () => {
  await fleet.close();
});

const INSTRUCTIONS = 'You are a careful coding agent working in a large repository. '.repeat(8);
const tools = [
  {
    type: 'function' as const,
    name: 'read_file',
    description: 'Read a file',
    parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    strict: false,
  },
];

/** Raw SSE of /v1/responses: [event name, payload] in order. */
async function rawEvents(body: unknown): Promise<Array<[string, Record<string, unknown>]>> {
  const res = await fetch(`${base}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const out: Array<[string, Record<string, unknown>]> = [];
  for (const block of (await res.text()).split('\n\n')) {
    if (!block) continue;
    const [eventLine, dataLine] = block.split('\n');
    assert.ok(eventLine!.startsWith('event: ') && dataLine!.startsWith('data: '), block);
    out.push([eventLine!.slice(7), JSON.parse(dataLine!.slice(6)) as Record<string, unknown>]);
  }
  return out;
}

test('responses.create: a completed response with a message item, output_text and usage', async () => {
  const response = await client.responses.create({
    model: MODEL,
    input: 'Explain prefix caching.',
    instructions: 'Be brief.',
  });
  assert.match(response.id, /^resp_[0-9a-f]{32}$/);
  assert.equal(response.object, 'response');
  assert.equal(response.status, 'completed');
  assert.equal(response.model, MODEL);
  assert.equal(response.instructions, 'Be brief.');
  assert.equal(response.output.length, 1);
  const item = response.output[0]!;
  assert.equal(item.type, 'message');
  assert.ok(response.output_text.length > 0);
  assert.ok(response.usage!.input_tokens > 0);
  assert.ok(response.usage!.output_tokens > 0);
  assert.equal(response.usage!.total_tokens, response.usage!.input_tokens + response.usage!.output_tokens);
  assert.equal(response.usage!.input_tokens_details.cached_tokens, 0);
});

test('streamed: created, in_progress, item and part added, deltas, done events, completed; numbered from 0', async () => {
  const events = await rawEvents({ model: MODEL, input: 'Stream something.', stream: true });
  const names = events.map(([name]) => name);
  const deltas = names.filter((n) => n === 'response.output_text.delta').length;
  assert.ok(deltas > 0);
  assert.deepEqual(names, [
    'response.created',
    'response.in_progress',
    'response.output_item.added',
    'response.content_part.added',
    ...Array(deltas).fill('response.output_text.delta'),
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
    'response.completed',
  ]);
  events.forEach(([name, data], i) => {
    assert.equal(data['type'], name);
    assert.equal(data['sequence_number'], i);
  });
  const text = events
    .filter(([n]) => n === 'response.output_text.delta')
    .map(([, d]) => d['delta'])
    .join('');
  const completed = events.at(-1)![1]['response'] as {
    output: Array<{ content: Array<{ text: string }> }>;
    usage: Record<string, number>;
  };
  assert.equal(completed.output[0]!.content[0]!.text, text);
  assert.ok(completed.usage['output_tokens']! > 0);
  const stored = await (await fetch(`${base}/v1/responses/${(completed as unknown as { id: string }).id}`)).json();
  assert.deepEqual(stored, completed);
});

test('responses.stream through the openai client gives the same text as its deltas', async () => {
  const stream = client.responses.stream({ model: MODEL, input: 'Through the client.' });
  let text = '';
  stream.on('response.output_text.delta', (event) => {
    text += event.delta;
  });
  const final = await stream.finalResponse();
  assert.equal(final.status, 'completed');
  assert.equal(final.output_text, text);
});

test('stored: retrieve, previous_response_id continues the conversation and hits the prefix cache, delete', async () => {
  const first = await client.responses.create({ model: MODEL, instructions: INSTRUCTIONS, input: 'List the files.' });
  const fetched = await client.responses.retrieve(first.id);
  assert.deepEqual(fetched, first);
  const second = await client.responses.create({
    model: MODEL,
    instructions: INSTRUCTIONS,
    input: 'Now open the first one.',
    previous_response_id: first.id,
  });
  assert.equal(second.previous_response_id, first.id);
  // The earlier input and output are in the prompt, once (instructions do not repeat).
  assert.ok(second.usage!.input_tokens > first.usage!.input_tokens + first.usage!.output_tokens);
  assert.ok(second.usage!.input_tokens < 2 * first.usage!.input_tokens + first.usage!.output_tokens);
  assert.ok(second.usage!.input_tokens_details.cached_tokens >= 16 * Math.floor(INSTRUCTIONS.length / 64));
  await client.responses.delete(first.id);
  await assert.rejects(client.responses.retrieve(first.id), (error: unknown) => {
    assert.ok(error instanceof OpenAI.NotFoundError);
    return true;
  });
});

test('an unknown previous_response_id or id is vLLM 404; store:false keeps nothing; cancel of a finished one is 400', async () => {
  const missing = await postJson(`${base}/v1/responses`, {
    model: MODEL,
    input: 'x',
    previous_response_id: 'resp_nope',
  });
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, {
    error: {
      message: "Response with id 'resp_nope' not found.",
      type: 'invalid_request_error',
      param: null,
      code: 404,
    },
  });
  const unstored = await client.responses.create({ model: MODEL, input: 'forget me', store: false });
  const get = await fetch(`${base}/v1/responses/${unstored.id}`);
  assert.equal(get.status, 404);
  const kept = await client.responses.create({ model: MODEL, input: 'keep me' });
  const cancel = await fetch(`${base}/v1/responses/${kept.id}/cancel`, { method: 'POST' });
  assert.equal(cancel.status, 400);
  assert.equal(
    ((await cancel.json()) as { error: { message: string } }).error.message,
    'Cannot cancel a synchronous response.',
  );
  const put = await fetch(`${base}/v1/responses/${kept.id}`, { method: 'PUT' });
  assert.equal(put.status, 405);
});

test('function tools: a call for a user turn, arguments streamed; the function_call_output turn gets text', async () => {
  const call = await client.responses.create({ model: MODEL, input: 'Read the README.', tools });
  const item = call.output[0]!;
  assert.equal(item.type, 'function_call');
  if (item.type !== 'function_call') return;
  assert.equal(item.name, 'read_file');
  assert.match(item.call_id, /^call_/);
  assert.equal(typeof (JSON.parse(item.arguments) as { path: unknown }).path, 'string');

  const events = await rawEvents({ model: MODEL, input: 'Read the README.', tools, stream: true });
  const names = events.map(([n]) => n);
  assert.equal(names[2], 'response.output_item.added');
  assert.ok(names.includes('response.function_call_arguments.delta'));
  const args = events
    .filter(([n]) => n === 'response.function_call_arguments.delta')
    .map(([, d]) => d['delta'])
    .join('');
  const done = events.find(([n]) => n === 'response.function_call_arguments.done')![1];
  assert.equal(done['arguments'], args);
  assert.equal(done['name'], 'read_file');

  const answer = await client.responses.create({
    model: MODEL,
    tools,
    previous_response_id: call.id,
    input: [{ type: 'function_call_output', call_id: item.call_id, output: '# vllm-pools' }],
  });
  assert.equal(answer.output[0]!.type, 'message');
  assert.ok(answer.output_text.length > 0);
});

test('input items: messages with input_text parts, a function call, its output and a reasoning item', async () => {
  const response = await client.responses.create({
    model: MODEL,
    input: [
      { role: 'developer', content: 'Answer in English.' },
      { role: 'user', content: [{ type: 'input_text', text: 'What is in the repo?' }] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'I should list files.' }] },
      { type: 'function_call', call_id: 'call_1', name: 'read_file', arguments: '{"path":"README.md"}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'vllm-pools: a sidecar' },
    ],
    tools,
  });
  assert.equal(response.output[0]!.type, 'message');
  const bad = await postJson(`${base}/v1/responses`, { model: MODEL, input: [{ type: 'telepathy' }] });
  assert.equal(bad.status, 400);
  const none = await postJson(`${base}/v1/responses`, { model: MODEL });
  assert.equal(none.status, 400);
});

test('background: queued at once, completed later on GET; a running one can be cancelled', async () => {
  const queued = await client.responses.create({ model: MODEL, input: 'In the background.', background: true });
  assert.equal(queued.status, 'queued');
  assert.equal(queued.background, true);
  await waitFor(async () => (await client.responses.retrieve(queued.id)).status === 'completed', 5000);
  const done = await client.responses.retrieve(queued.id);
  assert.ok(done.output_text.length > 0);
  assert.ok(done.usage!.output_tokens > 0);

  const long = await client.responses.create({
    model: MODEL,
    input: 'A long one.',
    background: true,
    max_output_tokens: 5000,
  });
  const cancelled = await client.responses.cancel(long.id);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal((await client.responses.retrieve(long.id)).status, 'cancelled');
  await assert.rejects(client.responses.cancel(long.id), (error: unknown) => error instanceof OpenAI.BadRequestError);
  const unstored = await postJson(`${base}/v1/responses`, { model: MODEL, input: 'x', background: true, store: false });
  assert.equal(unstored.status, 400);
});

test('a mid-stream failure is an error event that ends the stream (no [DONE])', async () => {
  await fleet.replicas[0]!.setFault({ kind: 'error-mid-stream', afterChunks: 4 });
  try {
    const events = await rawEvents({ model: MODEL, input: 'x', stream: true });
    assert.equal(events.length, 5);
    const [name, data] = events.at(-1)!;
    assert.equal(name, 'error');
    const { sequence_number: sequence, ...rest } = data;
    assert.deepEqual(rest, { type: 'error', code: '500', message: 'simulated engine error', param: null });
    assert.ok(typeof sequence === 'number' && sequence > (events.at(-2)![1]['sequence_number'] as number));
  } finally {
    await fleet.replicas[0]!.setFault('none');
  }
});

test('a Codex-style turn: store false, hosted and custom tool items in the input, an item reference', async () => {
  const body = {
    model: MODEL,
    instructions: INSTRUCTIONS,
    store: false,
    stream: true,
    parallel_tool_calls: false,
    tools: [...tools, { type: 'local_shell' }, { type: 'custom', name: 'apply_patch', description: 'Patch files' }],
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Run the tests.' }] },
      {
        type: 'local_shell_call',
        id: 'ls_1',
        call_id: 'call_a',
        status: 'completed',
        action: { type: 'exec', command: ['npm', 'test'] },
      },
      { type: 'local_shell_call_output', call_id: 'call_a', output: 'ok 88 tests' },
      { type: 'custom_tool_call', call_id: 'call_b', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'custom_tool_call_output', call_id: 'call_b', output: 'Done' },
      { type: 'item_reference', id: 'msg_old' },
    ],
  };
  const events = await rawEvents(body);
  const completed = events.at(-1)!;
  assert.equal(completed[0], 'response.completed');
  const response = completed[1]['response'] as { id: string; output: Array<{ type: string }> };
  assert.equal(response.output[0]!.type, 'message');
  assert.equal((await fetch(`${base}/v1/responses/${response.id}`)).status, 404);
});

test('storeResponses false is stock vLLM: store is ignored (GET 404) and background is refused', async () => {
  const stock = await startSimFleet({ replicas: 1, profile: 'fast', storeResponses: false });
  try {
    const url = stock.urls[0]!;
    const created = await postJson(`${url}/v1/responses`, { model: MODEL, input: 'x' });
    assert.equal(created.status, 200);
    assert.equal((await fetch(`${url}/v1/responses/${created.body['id']}`)).status, 404);
    const background = await postJson(`${url}/v1/responses`, { model: MODEL, input: 'x', background: true });
    assert.equal(background.status, 400);
    assert.match(String((background.body['error'] as { message: string }).message), /VLLM_ENABLE_RESPONSES_API_STORE/);
  } finally {
    await stock.close();
  }
});
