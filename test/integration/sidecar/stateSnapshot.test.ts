// The admin state snapshot carries what the extension shows: each replica's served models with LoRA adapters marked by
// their base model (the Pools tree), and, with gateway users configured, one row per user (the dashboard's users table).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import type { StateSnapshot } from '../../../core/protocol';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

const BASE = 'Qwen/Qwen3-0.6B';
const ADAPTER = 'sql-lora';
const ALICE = 'alice-secret-token-1234';
const BOB = 'bob-secret-token-5678';

let fleet: SimFleet;
let sidecar: RunningSidecar;

before(async () => {
  fleet = await startSimFleet({
    replicas: 2,
    profile: 'fast',
    model: BASE,
    enableLora: true,
    perReplica: [undefined, { enableLora: true, loraModules: [{ name: ADAPTER, path: '/adapters/sql' }] }],
  });
  const config = testConfig(
    [
      testPool(
        'mixed',
        fleet.urls.map((url, i) => ({ url, name: `sim-${i}` })),
      ),
    ],
    {
      users: [
        { name: 'alice', token: ALICE, limits: { requestsPerMinute: 1 } },
        { name: 'bob', token: BOB, limits: {} },
      ],
    },
  );
  sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
  await waitFor(
    async () => sidecar.state().pools[0]?.replicas.some((r) => r.models.includes(ADAPTER)) ?? false,
    10_000,
    'the adapter learned from sim-1',
  );
});

after(async () => {
  await sidecar.close(200);
  await fleet.close();
});

async function adminState(): Promise<StateSnapshot> {
  const response = await fetch(`${sidecar.url}/admin/state`);
  assert.equal(response.status, 200);
  return (await response.json()) as StateSnapshot;
}

test('each replica lists what its /v1/models serves, adapters with their base model', async () => {
  const state = await adminState();
  const [plain, withAdapter] = state.pools[0]?.replicas ?? [];
  assert.deepEqual(plain?.served, [{ id: BASE, parent: null }]);
  assert.deepEqual(withAdapter?.served, [
    { id: BASE, parent: null },
    { id: ADAPTER, parent: BASE },
  ]);
});

test('the engine state carries the adapters vllm:lora_requests_info says are running', async () => {
  const client = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: BOB, maxRetries: 0 });
  const idle = (await adminState()).pools[0]?.replicas[1]?.engine?.lora;
  assert.deepEqual(idle?.running, [], JSON.stringify(idle));
  assert.equal(idle?.maxLora, 1);
  assert.equal((await adminState()).pools[0]?.replicas[0]?.engine?.lora?.running.length ?? 0, 0);
  const abort = new AbortController();
  const stream = await client.chat.completions.create(
    // vLLM's ignore_eos keeps the simulated answer going for max_tokens steps (~1 ms each), past a few scrapes.
    {
      model: ADAPTER,
      messages: [{ role: 'user', content: 'count' }],
      max_tokens: 10_000,
      stream: true,
      ignore_eos: true,
    } as OpenAI.ChatCompletionCreateParamsStreaming,
    { signal: abort.signal },
  );
  const reading = (async () => {
    try {
      for await (const _ of stream) {
        // drain until aborted
      }
    } catch {
      // aborted
    }
  })();
  try {
    await waitFor(
      async () => (await adminState()).pools[0]?.replicas[1]?.engine?.lora?.running.includes(ADAPTER) ?? false,
      10_000,
      'sql-lora running on sim-1 in /admin/state',
    );
  } finally {
    abort.abort();
    await reading;
  }
});

test('with users configured the snapshot has one row per user: requests, limits and 429s, never a token', async () => {
  const alice = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: ALICE, maxRetries: 0 });
  const ask = () =>
    alice.chat.completions.create({ model: BASE, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 });
  await ask();
  await assert.rejects(ask(), OpenAI.RateLimitError);
  const state = await adminState();
  const row = state.users?.find((user) => user.user === 'alice');
  assert.ok(row, JSON.stringify(state.users));
  assert.equal(row.requests, 1);
  assert.equal(row.requestsThisMinute, 1);
  assert.equal(row.inFlight, 0);
  assert.deepEqual(row.limits, { requestsPerMinute: 1 });
  assert.equal(row.refused['requestsPerMinute'], 1);
  assert.ok(!JSON.stringify(state).includes(ALICE), 'no token in the snapshot');
});

test('without users the snapshot has no users field', async () => {
  const plain = await startSidecar({
    config: testConfig([testPool('p', [{ url: fleet.urls[0] ?? '', name: 'sim-0' }])]),
    port: 0,
    logger: memoryLogger().logger,
    env: {},
  });
  try {
    assert.equal(plain.state().users, undefined);
  } finally {
    await plain.close(200);
  }
});
