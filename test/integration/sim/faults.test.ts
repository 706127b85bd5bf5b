// POST /sim/fault as the contract describes it, and client disconnects freeing the engine's slots.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { metricValue, postJson, postSse, waitFor } from './helpers';

let fleet: SimFleet;

before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast' });
});

after(async () => {
  await fleet.close();
});

const chat = { messages: [{ role: 'user', content: 'hello' }] };
const longChat = { ...chat, max_tokens: 20_000, ignore_eos: true };

async function setFault(body: unknown): Promise<Response> {
  return fetch(`${fleet.urls[0]}/sim/fault`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

test('an invalid fault is a 400 and changes nothing', async () => {
  const res = await setFault({ kind: 'explode' });
  assert.equal(res.status, 400);
  assert.deepEqual(await (await fetch(`${fleet.urls[0]}/sim/fault`)).json(), { kind: 'none' });
});

test('refuse closes the listener until none', async () => {
  const replica = fleet.replicas[0]!;
  const res = await setFault({ kind: 'refuse' });
  assert.equal(res.status, 200);
  await assert.rejects(fetch(`${replica.url}/health`));
  await replica.setFault('none');
  assert.equal((await fetch(`${replica.url}/health`)).status, 200);
});

test('refuse with durationMs clears itself', async () => {
  const replica = fleet.replicas[0]!;
  await setFault({ kind: 'refuse', durationMs: 100 });
  await assert.rejects(fetch(`${replica.url}/health`));
  await waitFor(
    async () => (await fetch(`${replica.url}/health`).catch(() => undefined))?.status === 200,
    5000,
    'listener back',
  );
});

test('hang never sends the head, on health and inference alike, until none', async () => {
  const url = fleet.urls[0]!;
  await setFault({ kind: 'hang' });
  await assert.rejects(fetch(`${url}/health`, { signal: AbortSignal.timeout(200) }), { name: 'TimeoutError' });
  await assert.rejects(
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chat),
      signal: AbortSignal.timeout(200),
    }),
    { name: 'TimeoutError' },
  );
  await setFault({ kind: 'none' });
  assert.equal((await fetch(`${url}/health`)).status, 200);
});

test('status answers inference requests with that status in the OpenAI error shape; health stays 200', async () => {
  const url = fleet.urls[0]!;
  await setFault({ kind: 'status', status: 503 });
  const before = fleet.replicas[0]!.counters.received;
  const res = await postJson(`${url}/v1/chat/completions`, chat);
  assert.equal(res.status, 503);
  const error = res.body['error'] as { code: number; type: string };
  assert.equal(error.code, 503);
  assert.equal(typeof error.type, 'string');
  assert.equal(fleet.replicas[0]!.counters.received, before + 1);
  assert.equal((await fetch(`${url}/health`)).status, 200);
  await setFault({ kind: 'none' });
  assert.equal((await postJson(`${url}/v1/chat/completions`, chat)).status, 200);
});

test('slow multiplies the modelled delays by its factor', async () => {
  const replica = fleet.replicas[0]!;
  await setFault({ kind: 'slow', factor: 4 });
  assert.equal(replica.engine.slowFactor, 4);
  assert.equal(replica.engine.scaled(10), 40);
  assert.deepEqual(await (await fetch(`${replica.url}/sim/fault`)).json(), { kind: 'slow', factor: 4 });
  await setFault({ kind: 'none' });
  assert.equal(replica.engine.slowFactor, 1);
});

test('reset-mid-stream destroys the socket after the given number of SSE chunks', async () => {
  const url = fleet.urls[0]!;
  await setFault({ kind: 'reset-mid-stream', afterChunks: 3 });
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ ...chat, stream: true, max_tokens: 50, ignore_eos: true }),
  });
  assert.equal(res.status, 200);
  let text = '';
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  await assert.rejects(async () => {
    for (let i = 0; i < 1000; i++) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  });
  assert.equal(text.split('\n\n').filter((e) => e.startsWith('data: ')).length, 3);
  assert.ok(!text.includes('[DONE]'));
  await setFault({ kind: 'none' });
  await waitFor(() => fleet.replicas[0]!.running === 0, 5000, 'engine to drop the reset request');
  assert.equal(fleet.replicas[0]!.engine.kvUsage, 0);
});

test('a streaming client that disconnects aborts its request and frees its slot and KV blocks', async () => {
  const replica = fleet.replicas[0]!;
  const abortedBefore = replica.counters.aborted;
  const controller = new AbortController();
  const res = await fetch(`${replica.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ ...longChat, stream: true }),
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  for (let i = 0; i < 3; i++) await reader.read();
  assert.equal(replica.running, 1);
  assert.ok(replica.engine.kvUsage > 0);
  controller.abort();
  await waitFor(() => replica.counters.aborted === abortedBefore + 1, 5000, 'the abort');
  assert.equal(replica.running, 0);
  assert.equal(replica.waiting, 0);
  assert.equal(replica.engine.kvUsage, 0);
  const metrics = await (await fetch(`${replica.url}/metrics`)).text();
  assert.ok(metricValue(metrics, 'vllm:request_success_total', { finished_reason: 'abort' })! >= 1);
});

test('a non-streaming client that disconnects aborts its request too', async () => {
  const replica = fleet.replicas[0]!;
  const abortedBefore = replica.counters.aborted;
  const controller = new AbortController();
  const pending = fetch(`${replica.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify(longChat),
    signal: controller.signal,
  }).catch(() => undefined);
  await waitFor(() => replica.running === 1, 5000, 'the request to run');
  controller.abort();
  await pending;
  await waitFor(() => replica.counters.aborted === abortedBefore + 1, 5000, 'the abort');
  assert.equal(replica.running, 0);
  assert.equal(replica.engine.kvUsage, 0);
});

test('error-mid-stream sends vLLM in-band error event then [DONE] after the given chunks', async () => {
  const url = fleet.urls[0]!;
  await setFault({ kind: 'error-mid-stream', afterChunks: 2 });
  const res = await postSse(`${url}/v1/chat/completions`, { ...chat, stream: true, max_tokens: 50, ignore_eos: true });
  assert.equal(res.status, 200);
  assert.equal(res.events.length, 3);
  assert.deepEqual(res.events[2], {
    error: { message: 'simulated engine error', type: 'InternalServerError', param: null, code: 500 },
  });
  assert.ok(res.done);
  const plain = await postJson(`${url}/v1/chat/completions`, { ...chat, max_tokens: 50, ignore_eos: true });
  assert.equal(plain.status, 500);
  await setFault({ kind: 'none' });
  await waitFor(() => fleet.replicas[0]!.running === 0, 5000, 'engine to drop the failed requests');
  assert.equal(fleet.replicas[0]!.engine.kvUsage, 0);
});
