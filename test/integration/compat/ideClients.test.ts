// Requests shaped like those the IDE tools send (reference vscode.md §2): their URLs, headers and body fields, sent
// raw so nothing is normalised on the way, each proxied by the sidecar and answered by a simulated replica.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type CompatSetup, RECORDED_MODEL, SIM_MODEL, startCompatSetup } from './compatSetup';
import { readSseData, TOOL_CALL_ID } from './recordingReplica';

let setup: CompatSetup;

before(async () => {
  setup = await startCompatSetup();
});

after(async () => {
  await setup.close();
});

interface Chunk {
  choices: Array<{
    index: number;
    delta: { content?: string | null; tool_calls?: unknown[] };
    finish_reason: string | null;
  }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

/** Posts a body with the given headers and checks a complete SSE chat stream: content, usage chunk, [DONE]. */
async function streamChat(
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ text: string; chunks: Chunk[]; response: Response }> {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  assert.equal(response.status, 200, `${url}: ${response.status}`);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  assert.ok(response.headers.get('x-vllm-pools-replica'));
  const data = await readSseData(response);
  assert.equal(data.at(-1), '[DONE]');
  const chunks = data.slice(0, -1).map((payload) => JSON.parse(payload) as Chunk);
  const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  return { text, chunks, response };
}

// Continue (continuedev/continue core/llm/llms/OpenAI.ts + packages/openai-adapters): Bearer and api-key headers,
// `max_tokens` (its default completion budget is 4096), `stream_options.include_usage`, stop words; apiBase joined
// with `new URL('chat/completions', apiBase)`.
test('Continue chat (provider openai/vllm, apiBase …/v1/): streamed with the usage chunk', async () => {
  const apiBase = `${setup.endpoint}/`;
  const { text, chunks } = await streamChat(
    new URL('chat/completions', apiBase).toString(),
    { 'Content-Type': 'application/json', Authorization: 'Bearer continue-key', 'api-key': 'continue-key' },
    {
      model: SIM_MODEL,
      messages: [
        { role: 'system', content: 'You are an expert software developer. You give helpful and concise responses.' },
        { role: 'user', content: [{ type: 'text', text: '```ts\nconst x = 1;\n```\nWhat does this do?' }] },
      ],
      max_tokens: 4096,
      temperature: 0.5,
      stream: true,
      stream_options: { include_usage: true },
      stop: ['<|eot_id|>'],
    },
  );
  assert.ok(text.length > 0);
  const usage = chunks.at(-1)?.usage;
  assert.ok(usage && usage.completion_tokens > 0, 'last chunk carries usage');
  assert.deepEqual(chunks.at(-1)?.choices, []);
});

test('Continue with an apiBase without /v1 (…/chat/completions) is served the same', async () => {
  const apiBase = `${setup.sidecar.url}/`;
  const { text } = await streamChat(
    new URL('chat/completions', apiBase).toString(),
    { 'Content-Type': 'application/json', Authorization: 'Bearer continue-key' },
    { model: SIM_MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, stream: true },
  );
  assert.ok(text.length > 0);
});

test('Continue autocomplete (vLLM provider, no FIM endpoint): templated FIM prompt on /completions, streamed', async () => {
  const response = await fetch(new URL('completions', `${setup.endpoint}/`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer continue-key', 'api-key': 'continue-key' },
    body: JSON.stringify({
      model: SIM_MODEL,
      prompt: '<|fim_prefix|>// a.ts\nexport function sum(xs: number[]) {\n  <|fim_suffix|>\n}\n<|fim_middle|>',
      max_tokens: 256,
      temperature: 0.01,
      stop: ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|endoftext|>', '\n\n', '\r\n\r\n', '/src/', '```'],
      stream: true,
    }),
  });
  assert.equal(response.status, 200);
  const data = await readSseData(response);
  assert.equal(data.at(-1), '[DONE]');
  const text = data
    .slice(0, -1)
    .map((payload) => (JSON.parse(payload) as { choices: Array<{ text: string }> }).choices[0]?.text ?? '')
    .join('');
  assert.ok(text.length > 0);
});

test('Continue embeddings role: POST /v1/embeddings with a list of chunks', async () => {
  const response = await fetch(new URL('embeddings', `${setup.endpoint}/`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer continue-key' },
    body: JSON.stringify({ model: SIM_MODEL, input: ['export const a = 1;', 'function b() {}'] }),
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { data: Array<{ index: number; embedding: number[] }> };
  assert.deepEqual(
    body.data.map((item) => item.index),
    [0, 1],
  );
});

// Cline / Roo Code "OpenAI Compatible" (cline/cline src/core/api/providers/openai.ts): the openai SDK's headers, a
// required non-empty key, system prompt first, user content as text parts, temperature 0, stream_options.
const OPENAI_SDK_HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/json',
  'User-Agent': 'OpenAI/JS 4.104.0',
  'X-Stainless-Lang': 'js',
  'X-Stainless-Package-Version': '4.104.0',
  'X-Stainless-Runtime': 'node',
  'X-Stainless-Retry-Count': '0',
};

test('Cline chat: system prompt + text parts, temperature 0, include_usage; streamed and answered', async () => {
  const { text, chunks } = await streamChat(
    `${setup.endpoint}/chat/completions`,
    {
      ...OPENAI_SDK_HEADERS,
      Authorization: 'Bearer sk-cline-dummy',
      'HTTP-Referer': 'https://cline.bot',
      'X-Title': 'Cline',
    },
    {
      model: SIM_MODEL,
      messages: [
        {
          role: 'system',
          content: 'You are Cline, a highly skilled software engineer...\n\nTOOL USE\n\n<read_file>...',
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: '<task>\nAdd a unit test for sum()\n</task>' },
            { type: 'text', text: '<environment_details>\n# Current Working Directory\n/work\n</environment_details>' },
          ],
        },
      ],
      temperature: 0,
      max_tokens: 8192,
      stream: true,
      stream_options: { include_usage: true },
    },
  );
  assert.ok(text.length > 0);
  assert.ok(chunks.some((chunk) => chunk.usage && chunk.usage.prompt_tokens > 0));
});

test('Cline native tool calling: tools + tool_choice reach the replica untouched; tool-call deltas stream back', async () => {
  const tools = [
    {
      type: 'function',
      function: {
        name: 'read_file',
        description: 'Request to read the contents of a file at the specified path.',
        parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      },
    },
  ];
  const body = {
    model: RECORDED_MODEL,
    messages: [
      { role: 'system', content: 'You are Cline.' },
      { role: 'user', content: [{ type: 'text', text: '<task>read main.ts</task>' }] },
    ],
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
    tools,
    tool_choice: 'auto',
    parallel_tool_calls: false,
  };
  const count = setup.recorder.recorded.length;
  const { chunks } = await streamChat(
    `${setup.endpoint}/chat/completions`,
    { ...OPENAI_SDK_HEADERS, Authorization: 'Bearer sk-cline-dummy', 'X-Title': 'Cline' },
    body,
  );
  const deltas = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
  assert.ok(deltas.length >= 2);
  assert.equal((deltas[0] as { id: string }).id, TOOL_CALL_ID);
  const received = setup.recorder.recorded.slice(count);
  assert.equal(received.length, 1);
  assert.equal(received[0]?.body, JSON.stringify(body), 'the body reached the replica byte for byte');
  assert.equal(received[0]?.headers['x-title'], 'Cline');
  assert.equal(received[0]?.headers['authorization'], 'Bearer sk-cline-dummy', 'no replica key configured: passed on');
});

test('Roo Code model list: GET {baseUrl}/models with a Bearer key returns data[].id', async () => {
  const response = await fetch(`${setup.endpoint}/models`, {
    headers: {
      Authorization: 'Bearer roo-dummy',
      Accept: 'application/json, text/plain, */*',
      'User-Agent': 'axios/1.7.9',
    },
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { data: Array<{ id: string }> };
  assert.ok(body.data.map((model) => model.id).includes(SIM_MODEL));
});

// GitHub Copilot BYOK `customOAIModels` (vscode-copilot-chat customOAIProvider.ts resolveCustomOAIUrl): a URL
// ending in /v1 gets /chat/completions appended.
test('Copilot BYOK custom OpenAI model: …/v1 + /chat/completions with tools: tool-call deltas stream back', async () => {
  const { chunks } = await streamChat(
    `${setup.endpoint}/chat/completions`,
    { 'Content-Type': 'application/json', Authorization: 'Bearer copilot-dummy' },
    {
      model: SIM_MODEL,
      messages: [
        { role: 'system', content: 'You are an AI programming assistant.' },
        { role: 'user', content: 'Summarise this file.' },
      ],
      max_tokens: 4096,
      temperature: 0.1,
      top_p: 1,
      n: 1,
      stream: true,
      stream_options: { include_usage: true },
      tools: [
        {
          type: 'function',
          function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: {} } },
        },
      ],
    },
  );
  // The simulator answers a user turn that offers tools with a call of one of them, streamed in pieces.
  const calls = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
  assert.ok(calls.length >= 1);
  assert.equal((calls[0] as { function: { name: string } }).function.name, 'read_file');
  assert.equal(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason, 'tool_calls');
  assert.ok(chunks.at(-1)?.usage, 'usage chunk last');
});
