import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';

let fleet: SimFleet;

before(async () => {
  fleet = await startSimFleet({ replicas: 2, profile: 'fast', seed: 7 });
});

after(async () => {
  await fleet.close();
});

test('a fleet listens on distinct free ports and names its replicas', () => {
  assert.equal(fleet.replicas.length, 2);
  assert.deepEqual(
    fleet.urls,
    fleet.replicas.map((r) => r.url),
  );
  assert.notEqual(fleet.replicas[0]!.port, fleet.replicas[1]!.port);
  assert.match(fleet.urls[0]!, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(
    fleet.replicas.map((r) => r.name),
    ['sim-0', 'sim-1'],
  );
});

test('the same seed and request give the same token stream on every replica', async () => {
  const streams: string[][] = [];
  for (const url of fleet.urls) {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'none' });
    const stream = await client.chat.completions.create({
      model: 'Qwen/Qwen3-0.6B',
      messages: [{ role: 'user', content: 'Tell me about load balancers.' }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
    streams.push(pieces);
  }
  assert.ok(streams[0]!.length > 2);
  assert.deepEqual(streams[0], streams[1]);
  assert.equal(fleet.replicas[0]!.counters.received, 1);
  assert.equal(fleet.replicas[0]!.counters.completed, 1);
});

test('stop refuses connections and restart serves again on the same port', async () => {
  const replica = fleet.replicas[1]!;
  const port = replica.port;
  await replica.stop();
  await assert.rejects(fetch(`${replica.url}/health`));
  await replica.restart();
  assert.equal(replica.port, port);
  const res = await fetch(`${replica.url}/health`);
  assert.equal(res.status, 200);
});

test('stopping mid-stream cuts the client off without counting a client abort; the restarted replica is cold', async () => {
  const replica = fleet.replicas[0]!;
  const prompt = 'A shared prefix that the replica will have cached. '.repeat(20);
  await fetch(`${replica.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt, max_tokens: 2 }) });
  const res = await fetch(`${replica.url}/v1/completions`, {
    method: 'POST',
    body: JSON.stringify({ prompt: 'long answer', max_tokens: 20_000, ignore_eos: true, stream: true }),
  });
  const reader = res.body!.getReader();
  await reader.read();
  const abortedBefore = replica.counters.aborted;
  await replica.stop();
  await assert.rejects(async () => {
    for (let i = 0; i < 100_000; i++) if ((await reader.read()).done) return;
  });
  assert.equal(replica.counters.aborted, abortedBefore);
  await replica.restart();
  assert.equal(replica.engine.stats.prefixCacheQueries, 0);
  await fetch(`${replica.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt, max_tokens: 2 }) });
  assert.equal(replica.engine.stats.prefixCacheHits, 0);
});
