// The `status` fault as a rate limiter or an overloaded gateway: 429/503 with Retry-After (and retry-after-ms) on
// every generation route in its own dialect, for a counted number of requests or a duration, then normal answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { postJson, waitFor } from './helpers';

const MODEL = 'Qwen/Qwen3-0.6B';
let fleet: SimFleet;
let base: string;

before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast' });
  base = fleet.urls[0]!;
});

after(async () => {
  await fleet.close();
});

const chat = { model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 };

test('429 with Retry-After for `count` requests, then the fault clears itself', async () => {
  const set = await postJson(`${base}/sim/fault`, { kind: 'status', status: 429, retryAfter: 2, count: 2 });
  assert.equal(set.status, 200);
  assert.deepEqual(set.body, { kind: 'status', status: 429, retryAfter: 2, count: 2 });
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
  await assert.rejects(
    client.chat.completions.create({ ...chat, messages: [{ role: 'user', content: 'hi' }] }),
    (error: unknown) => {
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.equal(error.headers?.get('retry-after'), '2');
      return true;
    },
  );
  assert.deepEqual(await (await fetch(`${base}/sim/fault`)).json(), {
    kind: 'status',
    status: 429,
    retryAfter: 2,
    count: 2,
    remaining: 1,
  });
  const second = await postJson(`${base}/v1/responses`, { model: MODEL, input: 'x' });
  assert.equal(second.status, 429);
  assert.equal(second.headers.get('retry-after'), '2');
  assert.deepEqual(second.body['error'], {
    message: 'simulated fault: status 429',
    type: 'RateLimitError',
    param: null,
    code: 429,
  });
  await waitFor(async () => ((await (await fetch(`${base}/sim/fault`)).json()) as { kind: string }).kind === 'none');
  assert.equal((await postJson(`${base}/v1/chat/completions`, chat)).status, 200);
});

test('503 with retry-after-ms for a duration, Anthropic-shaped on /v1/messages; the openai client retries past it', async () => {
  await fleet.replicas[0]!.setFault({ kind: 'status', status: 503, retryAfterMs: 20, durationMs: 300 });
  const messages = await postJson(`${base}/v1/messages`, {
    model: MODEL,
    max_tokens: 4,
    messages: [{ role: 'user', content: 'x' }],
  });
  assert.equal(messages.status, 503);
  assert.equal(messages.headers.get('retry-after-ms'), '20');
  assert.deepEqual(messages.body, {
    type: 'error',
    error: { type: 'InternalServerError', message: 'simulated fault: status 503' },
  });
  const anthropic = new Anthropic({ baseURL: base, apiKey: 'unused', maxRetries: 0 });
  await assert.rejects(
    anthropic.messages.create({ model: MODEL, max_tokens: 4, messages: [{ role: 'user', content: 'x' }] }),
    (error: unknown) => error instanceof Anthropic.InternalServerError,
  );
  // The official client waits retry-after-ms between attempts; once the fault has expired an attempt succeeds.
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 30 });
  const answer = await client.chat.completions.create({ ...chat, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(answer.choices.length, 1);
});

test('invalid status-fault fields are refused with 400', async () => {
  for (const body of [
    { kind: 'status', status: 429, count: 0 },
    { kind: 'status', status: 429, count: 1.5 },
    { kind: 'status', status: 429, retryAfter: -1 },
    { kind: 'status', status: 429, retryAfterMs: 'soon' },
  ]) {
    assert.equal((await postJson(`${base}/sim/fault`, body)).status, 400, JSON.stringify(body));
  }
});
