// Add Replica's check of a new URL against a simulated vLLM replica started with --lora-modules: the report names the
// base model and the adapter with the base it runs on, as the replica's own /v1/models says (vLLM's `parent`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fetchModelIds } from '../../../extension/replicaProbe';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';

const BASE = 'Qwen/Qwen3-0.6B';
let fleet: SimFleet;

before(async () => {
  fleet = await startSimFleet({
    replicas: 1,
    profile: 'fast',
    model: BASE,
    perReplica: [{ enableLora: true, loraModules: [{ name: 'sql-lora', path: '/adapters/sql' }] }],
  });
});

after(async () => {
  await fleet.close();
});

test('Add Replica reports the base model and each LoRA adapter with its base', async () => {
  const url = fleet.urls[0] ?? '';
  assert.deepEqual(await fetchModelIds(url), { models: [BASE, `sql-lora (LoRA adapter on ${BASE})`] });
  assert.deepEqual(await fetchModelIds(`${url}/v1`), { models: [BASE, `sql-lora (LoRA adapter on ${BASE})`] });
});
