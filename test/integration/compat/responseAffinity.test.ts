// Response-id affinity through the sidecar: vLLM keeps stored Responses in memory per server, so retrieving one,
// cancelling it, deleting it or continuing with `previous_response_id` only works on the replica that created it.
// Three simulated replicas, round robin (which would spread the follow-ups over all three), the official client.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool } from '../sidecar/testConfig';
import { SIM_MODEL } from './compatSetup';

let fleet: SimFleet;
let sidecar: RunningSidecar;
let client: OpenAI;

async function startOne(): Promise<RunningSidecar> {
  const config = testConfig([
    {
      ...testPool(
        'sim',
        fleet.urls.map((url, i) => ({ url, name: `sim-${i}` })),
      ),
      algorithm: 'round-robin',
    },
  ]);
  return startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
}

before(async () => {
  fleet = await startSimFleet({ replicas: 3, profile: 'fast', seed: 3 });
  sidecar = await startOne();
  client = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'k', maxRetries: 0 });
});

after(async () => {
  await sidecar.close(200);
  await fleet.close();
});

test('a stored response is found again and continued on the replica that created it, every time', async () => {
  const first = await client.responses.create({
    model: SIM_MODEL,
    input: 'Remember the word cobalt.',
    max_output_tokens: 8,
  });
  for (let i = 0; i < 4; i++) {
    const again = await client.responses.retrieve(first.id);
    assert.equal(again.id, first.id);
  }
  const replicas = new Set<string>();
  let previous = first.id;
  for (let turn = 0; turn < 3; turn++) {
    const { data, response } = await client.responses
      .create({
        model: SIM_MODEL,
        input: `Turn ${turn}: what was the word?`,
        previous_response_id: previous,
        max_output_tokens: 8,
      })
      .withResponse();
    replicas.add(response.headers.get('x-vllm-pools-replica') ?? '');
    previous = data.id;
  }
  assert.equal(replicas.size, 1, `the conversation stayed on one replica: ${[...replicas].join(', ')}`);
});

test('a sidecar that never saw the response (another developer, a restart) finds it by asking the replicas', async () => {
  const created = await client.responses.create({ model: SIM_MODEL, input: 'Hello.', max_output_tokens: 4 });
  const other = await startOne();
  try {
    const otherClient = new OpenAI({ baseURL: `${other.url}/v1`, apiKey: 'k', maxRetries: 0 });
    const found = await otherClient.responses.retrieve(created.id);
    assert.equal(found.id, created.id);
    const deleted = await otherClient.responses.delete(created.id).then(
      () => true,
      (error: unknown) => error,
    );
    assert.equal(deleted, true);
    await assert.rejects(otherClient.responses.retrieve(created.id), (error: unknown) => {
      assert.ok(error instanceof OpenAI.NotFoundError, String(error));
      return true;
    });
  } finally {
    await other.close(200);
  }
});
