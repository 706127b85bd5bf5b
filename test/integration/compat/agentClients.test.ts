// The agents' protocols through the sidecar with their official clients: the `openai` package's Responses API (as
// Codex CLI speaks it) and `@anthropic-ai/sdk`'s Messages (as Claude Code speaks it), in front of simulated replicas.
// Each finished request must carry its time to first token and output tokens, read by the route's own stream tap.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { RequestEvent } from '../../../core/protocol';
import { type CompatSetup, SIM_MODEL, startCompatSetup } from './compatSetup';

let setup: CompatSetup;
let openai: OpenAI;
let anthropic: Anthropic;
const events: RequestEvent[] = [];

before(async () => {
  setup = await startCompatSetup();
  setup.sidecar.onRequest((event) => events.push(event));
  openai = new OpenAI({ baseURL: setup.endpoint, apiKey: 'any-key', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: setup.sidecar.url, apiKey: 'any-key', maxRetries: 0 });
});

after(async () => {
  await setup.close();
});

async function lastEvent(path: string): Promise<RequestEvent> {
  for (let i = 0; i < 50; i++) {
    const found = events.filter((event) => event.path.startsWith(path)).at(-1);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no finished request on ${path}`);
}

test('Responses API, not streamed: text and usage; the finished request counts its output tokens', async () => {
  events.length = 0;
  const response = await openai.responses.create({
    model: SIM_MODEL,
    instructions: 'You are a coding agent.',
    input: 'List the files.',
    max_output_tokens: 12,
  });
  assert.ok(response.status === 'completed' || response.status === 'incomplete', response.status);
  assert.ok(response.output_text.length > 0);
  const event = await lastEvent('/v1/responses');
  assert.equal(event.status, 200);
  assert.equal(event.tokens, response.usage?.output_tokens);
});

test('Responses API, streamed: deltas through the sidecar, first-token time and tokens from the Responses tap', async () => {
  events.length = 0;
  const stream = openai.responses.stream({ model: SIM_MODEL, input: 'Explain a mutex.', max_output_tokens: 16 });
  let text = '';
  for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
  const final = await stream.finalResponse();
  assert.ok(text.length > 0);
  assert.equal(final.output_text, text);
  const event = await lastEvent('/v1/responses');
  assert.equal(event.stream, true);
  assert.ok(event.ttftMs !== null && event.ttftMs >= 0, 'time to first token recorded');
  assert.equal(event.tokens, final.usage?.output_tokens);
});

test('Anthropic Messages: create, stream and countTokens; tokens recorded from message_delta usage', async () => {
  events.length = 0;
  const message = await anthropic.messages.create({
    model: SIM_MODEL,
    max_tokens: 12,
    system: 'You are Claude Code.',
    messages: [{ role: 'user', content: 'Say hi.' }],
  });
  assert.equal(message.type, 'message');
  assert.ok(message.content.length > 0);
  const plain = await lastEvent('/v1/messages');
  assert.equal(plain.tokens, message.usage.output_tokens);

  events.length = 0;
  const stream = anthropic.messages.stream({
    model: SIM_MODEL,
    max_tokens: 16,
    messages: [{ role: 'user', content: 'Explain a mutex.' }],
  });
  let text = '';
  stream.on('text', (delta) => {
    text += delta;
  });
  const final = await stream.finalMessage();
  assert.ok(text.length > 0);
  const streamed = await lastEvent('/v1/messages');
  assert.equal(streamed.stream, true);
  assert.ok(streamed.ttftMs !== null, 'time to first token recorded');
  assert.equal(streamed.tokens, final.usage.output_tokens);

  const count = await anthropic.messages.countTokens({
    model: SIM_MODEL,
    messages: [{ role: 'user', content: 'How many tokens is this?' }],
  });
  assert.ok(count.input_tokens > 0);
});

test('the sidecar answers its own errors on /v1/messages in Anthropic shape, which the SDK reads as its typed error', async () => {
  await assert.rejects(
    anthropic.messages.create({ model: 'no-such-model', max_tokens: 4, messages: [{ role: 'user', content: 'x' }] }),
    (error: unknown) => {
      assert.ok(error instanceof Anthropic.NotFoundError, `got ${String(error)}`);
      assert.equal((error.error as { type?: string }).type, 'error');
      return true;
    },
  );
});
