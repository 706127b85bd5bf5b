// "A 500 still goes back to the client at once": with every replica of a three-replica pool set to answer 500 once,
// one request gets that 500 (the replica's own body, no x-vllm-pools-attempts) and the other two replicas are never
// asked. A 503 from the same setup is retried on the next replica (the contrast that makes the 500 case meaningful).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

const MODEL = 'Qwen/Qwen3-0.6B';
let fleet: SimFleet;
let sidecar: RunningSidecar;

before(async () => {
  fleet = await startSimFleet({ replicas: 3, profile: 'fast', model: MODEL });
  const config = testConfig([
    testPool(
      'main',
      fleet.urls.map((url, i) => ({ url, name: `sim-${i}` })),
      // maxFails high: the 500s must not eject anyone during the test.
      { algorithm: 'round-robin', retries: 2, maxFails: 100 },
    ),
  ]);
  sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
  await waitFor(() => sidecar.state().pools[0]!.replicas.every((r) => r.state === 'healthy'), 10_000, 'healthy');
});

after(async () => {
  await sidecar?.close(200);
  await fleet?.close();
});

function chat() {
  return fetch(`${sidecar.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
  });
}

const remaining = () => fleet.replicas.map((replica) => (replica.faultState() as { remaining?: number }).remaining);

test('a 500 goes back to the client at once: no other replica is tried', async () => {
  for (const replica of fleet.replicas) await replica.setFault({ kind: 'status', status: 500, count: 1 });
  const response = await chat();
  assert.equal(response.status, 500);
  assert.equal(response.headers.get('x-vllm-pools-attempts'), null);
  const answered = response.headers.get('x-vllm-pools-replica');
  await response.text();
  const left = remaining();
  assert.deepEqual(
    left.filter((count) => count === 1).length,
    2,
    `only ${answered} was asked; faults left: ${JSON.stringify(left)}`,
  );
  for (const replica of fleet.replicas) await replica.setFault('none');
});

test('a 503 from the same setup is retried on another replica', async () => {
  for (const replica of fleet.replicas) await replica.setFault({ kind: 'status', status: 503, count: 1 });
  const response = await chat();
  await response.text();
  assert.equal(response.status, 200);
  assert.ok(Number(response.headers.get('x-vllm-pools-attempts')) >= 2);
  for (const replica of fleet.replicas) await replica.setFault('none');
});
