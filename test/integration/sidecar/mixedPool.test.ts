// A mixed pool, as fleets really run: a LoRA adapter loaded on one replica of three. Every request for the adapter
// must reach that replica (none may get another replica's 404), base-model requests still spread, and once the adapter
// is unloaded a request for it gets the sidecar's own clear 404 naming the models that exist.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

const BASE = 'Qwen/Qwen3-0.6B';
const ADAPTER = 'sql-lora';

let fleet: SimFleet;
let sidecar: RunningSidecar;
let client: OpenAI;

before(async () => {
  fleet = await startSimFleet({
    replicas: 3,
    profile: 'fast',
    model: BASE,
    enableLora: true,
    perReplica: [undefined, { enableLora: true, loraModules: [{ name: ADAPTER, path: '/adapters/sql' }] }, undefined],
  });
  const config = testConfig([
    testPool(
      'mixed',
      fleet.urls.map((url, i) => ({ url, name: `sim-${i}` })),
      { algorithm: 'round-robin' },
    ),
  ]);
  sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
  client = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'k', maxRetries: 0 });
  await waitFor(
    async () => {
      const models = await client.models.list();
      return models.data.some((model) => model.id === ADAPTER);
    },
    10_000,
    'the adapter in the pool list',
  );
});

after(async () => {
  await sidecar.close(200);
  await fleet.close();
});

test('every request for an adapter that one replica of three serves goes to that replica; base requests spread', async () => {
  const adapterReplicas = new Set<string>();
  for (let i = 0; i < 9; i++) {
    const { response } = await client.chat.completions
      .create({ model: ADAPTER, messages: [{ role: 'user', content: `query ${i}` }], max_tokens: 4 })
      .withResponse();
    adapterReplicas.add(response.headers.get('x-vllm-pools-replica') ?? '');
  }
  assert.deepEqual([...adapterReplicas], ['sim-1']);
  const baseReplicas = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const { response } = await client.chat.completions
      .create({ model: BASE, messages: [{ role: 'user', content: `hello ${i}` }], max_tokens: 4 })
      .withResponse();
    baseReplicas.add(response.headers.get('x-vllm-pools-replica') ?? '');
  }
  assert.equal(baseReplicas.size, 3, `base model on every replica: ${[...baseReplicas].join(', ')}`);
});

test('after the adapter is unloaded, a request for it gets a clear 404 from the sidecar', async () => {
  const unload = await fetch(`${fleet.urls[1]}/v1/unload_lora_adapter`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lora_name: ADAPTER }),
  });
  assert.equal(unload.status, 200);
  await waitFor(
    async () => {
      const models = await client.models.list();
      return !models.data.some((model) => model.id === ADAPTER);
    },
    10_000,
    'the adapter gone from the pool list',
  );
  await assert.rejects(
    client.chat.completions.create({ model: ADAPTER, messages: [{ role: 'user', content: 'x' }], max_tokens: 4 }),
    (error: unknown) => {
      assert.ok(error instanceof OpenAI.NotFoundError, String(error));
      assert.match(error.message, new RegExp(`${ADAPTER}.*does not exist.*Known models: ${BASE.replace('/', '\\/')}`));
      return true;
    },
  );
});

test('adapters are loaded through the sidecar on the replicas named, with the result per replica', async () => {
  const post = (path: string, body: unknown) =>
    fetch(`${sidecar.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const load = await post('/v1/load_lora_adapter', {
    lora_name: 'py-lora',
    lora_path: '/adapters/py',
    replicas: ['sim-2'],
  });
  assert.equal(load.status, 200);
  const answer = (await load.json()) as { pool: string; ok: boolean; results: { replica: string; status: number }[] };
  assert.equal(answer.pool, 'mixed');
  assert.deepEqual(
    answer.results.map((result) => [result.replica, result.status]),
    [['sim-2', 200]],
  );
  // The model lists were re-read before the answer: the next request finds the adapter, on sim-2 only.
  for (let i = 0; i < 4; i++) {
    const { response } = await client.chat.completions
      .create({ model: 'py-lora', messages: [{ role: 'user', content: `code ${i}` }], max_tokens: 4 })
      .withResponse();
    assert.equal(response.headers.get('x-vllm-pools-replica'), 'sim-2');
  }
  const unknownReplica = await post('/v1/load_lora_adapter', { lora_name: 'x', lora_path: '/x', replicas: ['gpu-9'] });
  assert.equal(unknownReplica.status, 400);
  assert.match(
    ((await unknownReplica.json()) as { error: { message: string } }).error.message,
    /no replica gpu-9.*sim-0/,
  );
  const noName = await post('/v1/unload_lora_adapter', {});
  assert.equal(noName.status, 400);
  const unloadAll = await post('/v1/unload_lora_adapter', { lora_name: 'py-lora' });
  const all = (await unloadAll.json()) as { ok: boolean; results: { replica: string; status: number }[] };
  assert.equal(unloadAll.status, 207, 'unloaded where it was, an error from the replicas that never had it');
  assert.deepEqual(
    all.results.map((result) => [result.replica, result.status >= 200 && result.status < 300]),
    [
      ['sim-0', false],
      ['sim-1', false],
      ['sim-2', true],
    ],
  );
});
