// A replica that dies in the middle of an agent's stream, through the sidecar, read by the official clients: the
// Responses stream ends with `error` + `response.failed` (the openai package rejects), the Messages stream with one
// Anthropic `event: error` (the SDK raises an APIError); neither carries OpenAI's `data: [DONE]`, and what the replica
// sent before it died reaches the client untouched.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type CompatSetup, SIM_MODEL, startCompatSetup } from './compatSetup';

let setup: CompatSetup;

before(async () => {
  setup = await startCompatSetup();
});

after(async () => {
  await setup.close();
});

beforeEach(async () => {
  // Every replica resets the connection after 8 chunks: a retry cannot help once the answer has started.
  for (const replica of setup.fleet.replicas) await replica.setFault({ kind: 'reset-mid-stream', afterChunks: 8 });
});

const INPUT = 'Explain the retry policy of the sidecar in detail, step by step.';

async function rawStream(path: string, body: unknown): Promise<string> {
  const response = await fetch(`${setup.sidecar.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  assert.equal(response.status, 200, 'the stream had started: the status is already sent');
  return await response.text();
}

test('Responses API: a replica dying mid-stream ends the stream with error + response.failed, never [DONE]', async () => {
  const openai = new OpenAI({ baseURL: setup.endpoint, apiKey: 'any', maxRetries: 0 });
  const stream = openai.responses.stream({ model: SIM_MODEL, input: INPUT, max_output_tokens: 64 });
  let text = '';
  stream.on('response.output_text.delta', (event) => (text += event.delta));
  await assert.rejects(stream.finalResponse());
  assert.ok(text.length > 0, 'the deltas sent before the failure reached the client');

  const raw = await rawStream('/v1/responses', { model: SIM_MODEL, input: INPUT, max_output_tokens: 64, stream: true });
  assert.ok(!raw.includes('[DONE]'), raw.slice(-300));
  assert.ok(!raw.includes('response.completed'));
  const types = [...raw.matchAll(/^event: (\S+)/gm)].map((match) => match[1]);
  assert.deepEqual(types.slice(-2), ['error', 'response.failed'], raw.slice(-400));
});

test('Anthropic Messages: a replica dying mid-stream ends the stream with one event: error, never [DONE]', async () => {
  const anthropic = new Anthropic({ baseURL: setup.sidecar.url, apiKey: 'any', maxRetries: 0 });
  const params = { model: SIM_MODEL, max_tokens: 64, messages: [{ role: 'user' as const, content: INPUT }] };
  await assert.rejects(anthropic.messages.stream(params).finalMessage(), (thrown: unknown) => {
    assert.ok(thrown instanceof Anthropic.APIError, `got ${String(thrown)}`);
    assert.equal((thrown.error as { error?: { type?: string } }).error?.type, 'api_error');
    return true;
  });

  const raw = await rawStream('/v1/messages', { ...params, stream: true });
  assert.ok(!raw.includes('[DONE]'), raw.slice(-300));
  assert.ok(!raw.includes('message_stop'));
  const types = [...raw.matchAll(/^event: (\S+)/gm)].map((match) => match[1]);
  assert.equal(types[0], 'message_start', 'the replica’s own start reached the client');
  assert.equal(types.at(-1), 'error', raw.slice(-300));
  assert.equal(types.filter((type) => type === 'error').length, 1);
});
