// Served names and LoRA adapters: /v1/models, vLLM's load/unload answers and errors, 404 for what is not served,
// vllm:lora_requests_info, and a mixed fleet where one replica of three has an adapter.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { metricValue, postJson, waitFor } from './helpers';

const MODEL = 'Qwen/Qwen3-0.6B';
let fleet: SimFleet;

before(async () => {
  fleet = await startSimFleet({
    replicas: 3,
    profile: 'fast',
    servedModelNames: ['qwen-small', 'qwen'],
    perReplica: [undefined, { loraModules: [{ name: 'sql-lora', path: '/adapters/sql' }], maxLoras: 2 }],
  });
});

after(async () => {
  await fleet.close();
});

const models = async (url: string) =>
  ((await (await fetch(`${url}/v1/models`)).json()) as { data: Array<Record<string, unknown>> }).data;

test('/v1/models: every served name with root = the model path, adapters with parent and root = their path', async () => {
  const withAdapter = await models(fleet.urls[1]!);
  assert.deepEqual(
    withAdapter.map((m) => [m['id'], m['root'], m['parent'], m['max_model_len']]),
    [
      ['qwen-small', MODEL, null, 32768],
      ['qwen', MODEL, null, 32768],
      ['sql-lora', '/adapters/sql', 'qwen-small', null],
    ],
  );
  assert.deepEqual(
    (await models(fleet.urls[0]!)).map((m) => m['id']),
    ['qwen-small', 'qwen'],
  );
});

test('an alias is served and answered with the first name; an adapter only where loaded, else vLLM 404', async () => {
  const alias = await postJson(`${fleet.urls[0]}/v1/chat/completions`, {
    model: 'qwen',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 2,
  });
  assert.equal(alias.status, 200);
  assert.equal(alias.body['model'], 'qwen-small');
  const client = new OpenAI({ baseURL: `${fleet.urls[1]}/v1`, apiKey: 'unused', maxRetries: 0 });
  const adapted = await client.chat.completions.create({
    model: 'sql-lora',
    messages: [{ role: 'user', content: 'SELECT?' }],
    max_tokens: 3,
  });
  assert.equal(adapted.model, 'sql-lora');
  const elsewhere = await postJson(`${fleet.urls[0]}/v1/chat/completions`, {
    model: 'sql-lora',
    messages: [{ role: 'user', content: 'SELECT?' }],
  });
  assert.equal(elsewhere.status, 404);
  assert.deepEqual(elsewhere.body, {
    error: { message: 'The model `sql-lora` does not exist.', type: 'NotFoundError', param: 'model', code: 404 },
  });
});

test("load and unload at run time with vLLM's answers and errors; LoRA routes are absent without LoRA", async () => {
  const url = fleet.urls[1]!;
  const load = await fetch(`${url}/v1/load_lora_adapter`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lora_name: 'tone', lora_path: '/adapters/tone' }),
  });
  assert.equal(load.status, 200);
  assert.equal(await load.text(), "Success: LoRA adapter 'tone' added successfully.");
  assert.ok((await models(url)).some((m) => m['id'] === 'tone' && m['root'] === '/adapters/tone'));
  const again = await postJson(`${url}/v1/load_lora_adapter`, { lora_name: 'tone', lora_path: '/adapters/tone' });
  assert.equal(again.status, 400);
  assert.deepEqual(again.body['error'], {
    message: "The lora adapter 'tone' has already been loaded.",
    type: 'InvalidUserInput',
    param: null,
    code: 400,
  });
  assert.equal((await postJson(`${url}/v1/load_lora_adapter`, { lora_name: 'x' })).status, 400);
  const used = await postJson(`${url}/v1/completions`, { model: 'tone', prompt: 'hello', max_tokens: 2 });
  assert.equal(used.status, 200);

  const unload = await fetch(`${url}/v1/unload_lora_adapter`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lora_name: 'tone' }),
  });
  assert.equal(unload.status, 200);
  assert.equal(await unload.text(), "Success: LoRA adapter 'tone' removed successfully.");
  const gone = await postJson(`${url}/v1/completions`, { model: 'tone', prompt: 'hello', max_tokens: 2 });
  assert.equal(gone.status, 404);
  const twice = await postJson(`${url}/v1/unload_lora_adapter`, { lora_name: 'tone' });
  assert.equal(twice.status, 404);
  assert.equal((twice.body['error'] as { type: string }).type, 'NotFoundError');

  const noLora = await postJson(`${fleet.urls[0]}/v1/load_lora_adapter`, { lora_name: 'a', lora_path: '/a' });
  assert.equal(noLora.status, 404);
  assert.deepEqual(noLora.body, { detail: 'Not Found' });
});

test('vllm:lora_requests_info shows max_lora and the running adapter; replicas without LoRA have none', async () => {
  const url = fleet.urls[1]!;
  const long = fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'sql-lora', prompt: 'long', max_tokens: 400, ignore_eos: true }),
  });
  await waitFor(async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return (
      metricValue(text, 'vllm:lora_requests_info', { running_lora_adapters: 'sql-lora', max_lora: '2' }) !== undefined
    );
  }, 5000);
  await (await long).json();
  const after = await (await fetch(`${url}/metrics`)).text();
  const value = metricValue(after, 'vllm:lora_requests_info', { running_lora_adapters: '', waiting_lora_adapters: '' });
  assert.ok(value !== undefined && Math.abs(value - Date.now() / 1000) < 60, 'the value is the current time');
  const plain = await (await fetch(`${fleet.urls[0]}/metrics`)).text();
  assert.ok(!plain.includes('vllm:lora_requests_info'));
});

test('a restart keeps the --lora-modules adapters and forgets the ones loaded at run time and stored responses', async () => {
  const replica = fleet.replicas[1]!;
  const load = await fetch(`${replica.url}/v1/load_lora_adapter`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lora_name: 'late', lora_path: '/late' }),
  });
  assert.equal(load.status, 200);
  const stored = await postJson(`${replica.url}/v1/responses`, { model: 'qwen', input: 'remember me' });
  assert.equal(stored.status, 200);
  await replica.restart();
  // The first request may meet a keep-alive socket the stop destroyed: poll until one gets through.
  await waitFor(async () => {
    try {
      return (await fetch(`${replica.url}/health`)).ok;
    } catch {
      return false;
    }
  });
  assert.deepEqual(
    (await models(replica.url)).map((m) => m['id']),
    ['qwen-small', 'qwen', 'sql-lora'],
  );
  assert.equal((await fetch(`${replica.url}/v1/responses/${stored.body['id']}`)).status, 404);
});
