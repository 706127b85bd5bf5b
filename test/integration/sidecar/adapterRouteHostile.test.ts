// A hostile-input pass over the adapter admin routes of the sidecar (/v1/load_lora_adapter, /v1/unload_lora_adapter,
// also under /pools/{pool}/): wrong methods, bodies that are not JSON objects, wrong field types, hostile `replicas`
// lists, unknown pools, a body over the limit. Every answer is a 4xx in the OpenAI error shape (or the per-replica
// result list when the body reached the replicas), never a 5xx or a dropped connection, errors stay short, and the
// pool keeps serving afterwards with no adapter it did not have.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

const BASE = 'Qwen/Qwen3-0.6B';
const MAX_BODY = 64 * 1024;
let fleet: SimFleet;
let sidecar: RunningSidecar;

before(async () => {
  fleet = await startSimFleet({ replicas: 2, profile: 'fast', model: BASE, enableLora: true, timeScale: 0.2 });
  const config = testConfig(
    [
      testPool(
        'main',
        fleet.urls.map((url, i) => ({ url, name: `sim-${i}` })),
      ),
    ],
    { limits: { maxBodyBytes: MAX_BODY } },
  );
  sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
  await waitFor(async () => (await modelIds()).includes(BASE), 10_000, 'the pool learned its model');
});

after(async () => {
  await sidecar?.close(200);
  await fleet?.close();
});

async function modelIds(): Promise<string[]> {
  const response = await fetch(`${sidecar.url}/v1/models`);
  return ((await response.json()) as { data: { id: string }[] }).data.map((model) => model.id);
}

async function send(path: string, body: string | Uint8Array<ArrayBuffer>, init: RequestInit = {}) {
  const response = await fetch(`${sidecar.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(20_000),
    ...init,
  });
  return { status: response.status, text: await response.text() };
}

const PATHS = ['/v1/load_lora_adapter', '/v1/unload_lora_adapter', '/pools/main/v1/load_lora_adapter'];
const VALUES: unknown[] = [null, 0, -1, 1.5, '', true, [], [null], [1, 'a'], {}, { a: 1 }, 'x'.repeat(5000)];

function bodies(): string[] {
  const list = ['', ' ', '{', 'null', '[]', '"x"', '1', '{"lora_name":', `${'['.repeat(20_000)}${']'.repeat(20_000)}`];
  for (const value of VALUES) {
    // No lora_path: a name of the right type reaches the replicas, which refuse it (load) or do not have it (unload).
    list.push(JSON.stringify({ lora_name: value }));
    list.push(JSON.stringify({ lora_name: 'hostile-lora', replicas: value }));
  }
  list.push(JSON.stringify({ lora_name: 'hostile-lora', lora_path: '/a', replicas: ['nope', 'sim-0'] }));
  list.push(JSON.stringify({ lora_name: 'hostile-lora', lora_path: '/a', replicas: ['sim-0', 'sim-0', 7] }));
  list.push(JSON.stringify({ lora_name: 'hostile-lora', replicas: Array.from({ length: 3000 }, (_, i) => `r${i}`) }));
  list.push(JSON.stringify({ lora_name: { toString: 'x' }, __proto__: { replicas: ['sim-0'] } }));
  list.push('{"lora_name":"hostile-lora","lora_name":7}');
  return list;
}

test('hostile bodies and methods on the adapter routes: a short 4xx, never a 5xx', async () => {
  const seen: string[] = [];
  for (const path of PATHS) {
    for (const body of bodies()) {
      const { status, text } = await send(path, body);
      const label = `${path} ${body.slice(0, 60)} -> ${status}`;
      seen.push(label);
      assert.ok(status >= 400 && status < 500, label);
      assert.ok(text.length < 6000, `${label}: the answer is short (${text.length} bytes)`);
      const parsed = JSON.parse(text) as { error?: { message?: string }; results?: unknown[] };
      assert.ok(typeof parsed.error?.message === 'string' || Array.isArray(parsed.results), `${label}: ${text}`);
    }
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await fetch(`${sidecar.url}${path}`, { method });
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), 'POST');
    }
  }
  const invalidUtf8 = await send(PATHS[0]!, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
  assert.equal(invalidUtf8.status, 400);
  const tooBig = await send(PATHS[0]!, JSON.stringify({ lora_name: 'x', lora_path: 'y'.repeat(MAX_BODY) }));
  assert.equal(tooBig.status, 413);
  for (const path of ['/pools/nope/v1/load_lora_adapter', '/v1/unload_lora_adapter']) {
    const headers: Record<string, string> = path.startsWith('/pools') ? {} : { 'x-vllm-pools-pool': 'nope' };
    const unknownPool = await fetch(`${sidecar.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ lora_name: 'x', lora_path: '/x' }),
    });
    assert.equal(unknownPool.status, 404, path);
    assert.match(((await unknownPool.json()) as { error: { message: string } }).error.message, /no such pool.*main/);
  }
  assert.ok(seen.length > 60);
});

test('after the pass the pool still serves, and lists no adapter it was not given', async () => {
  const ids = await modelIds();
  assert.deepEqual(ids, [BASE], `models: ${ids.join(', ')}`);
  const response = await fetch(`${sidecar.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: BASE, messages: [{ role: 'user', content: 'still there?' }], max_tokens: 4 }),
  });
  assert.equal(response.status, 200);
});
