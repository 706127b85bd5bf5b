// Retries that wait and fallback pools, against simulated replicas through the official `openai` client:
// a replica answering 429 with Retry-After is waited out within the pool's deadline (the client sees one success), and
// a pool with no healthy replica hands its requests to its fallback pool, saying so in x-vllm-pools-fallback,
// until it is back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

const SMALL = 'small-model';
const BIG = 'big-model';

let small: SimFleet;
let big: SimFleet;
let sidecar: RunningSidecar;
let client: OpenAI;

before(async () => {
  small = await startSimFleet({ replicas: 1, profile: 'fast', model: SMALL });
  big = await startSimFleet({ replicas: 1, profile: 'fast', model: BIG });
  const config = testConfig([
    testPool('small', [{ url: small.urls[0]!, name: 'small-0' }], { fallback: 'big', deadline: 20_000 }),
    testPool('big', [{ url: big.urls[0]!, name: 'big-0' }], { fallback: 'small' }),
  ]);
  sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
  client = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'k', maxRetries: 0 });
  await waitFor(async () => (await client.models.list()).data.length === 2, 10_000, 'both pools learned');
});

after(async () => {
  await sidecar.close(200);
  await Promise.all([small.close(), big.close()]);
});

test('429 with Retry-After: the sidecar waits it out and the client sees one success', async () => {
  await small.replicas[0]!.setFault({ kind: 'status', status: 429, retryAfterMs: 300, count: 2 });
  const started = Date.now();
  const { data, response } = await client.chat.completions
    .create({ model: SMALL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 })
    .withResponse();
  const tookMs = Date.now() - started;
  assert.equal(data.model, SMALL);
  assert.equal(response.headers.get('x-vllm-pools-attempts'), '3');
  assert.equal(response.headers.get('x-vllm-pools-fallback'), null, 'busy is waited out, not a reason to fall back');
  assert.ok(tookMs >= 600, `two waits of ~300 ms were honoured (took ${tookMs} ms)`);
});

test('a pool with its replica down falls back to its fallback pool, and comes home when it is back', async () => {
  await small.replicas[0]!.stop();
  await waitFor(
    () => sidecar.state().pools.find((pool) => pool.name === 'small')?.replicas[0]?.state === 'unhealthy',
    10_000,
    'the small replica marked down',
  );
  const { data, response } = await client.chat.completions
    .create({ model: SMALL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 })
    .withResponse();
  assert.equal(response.headers.get('x-vllm-pools-fallback'), 'small');
  assert.equal(response.headers.get('x-vllm-pools-pool'), 'big');
  assert.equal(data.model, BIG, 'the fallback pool was asked for its own model');
  await small.replicas[0]!.restart();
  await waitFor(
    () => sidecar.state().pools.find((pool) => pool.name === 'small')?.replicas[0]?.state === 'healthy',
    10_000,
    'the small replica back',
  );
  const home = await client.chat.completions
    .create({ model: SMALL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 })
    .withResponse();
  assert.equal(home.response.headers.get('x-vllm-pools-pool'), 'small');
  assert.equal(home.response.headers.get('x-vllm-pools-fallback'), null);
});

test('fallbacks never loop: with both pools down the answer is one 503', async () => {
  await Promise.all([small.replicas[0]!.stop(), big.replicas[0]!.stop()]);
  await waitFor(
    () => sidecar.state().pools.every((pool) => pool.replicas[0]?.state === 'unhealthy'),
    10_000,
    'both replicas down',
  );
  await assert.rejects(
    client.chat.completions.create({ model: SMALL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError && error.status === 503, String(error));
      return true;
    },
  );
  await Promise.all([small.replicas[0]!.restart(), big.replicas[0]!.restart()]);
});
