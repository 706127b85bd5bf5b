// Adapter affinity end to end: three simulated replicas with --max-loras 1 and the same two adapters loaded on each,
// round-robin, both adapters' traffic at once. With the sidecar reading vllm:lora_requests_info each adapter
// concentrates on the replicas already running it, instead of every replica alternating between the two (which
// round-robin alone does: about 70 % of a replica's consecutive requests switch adapter, each switch an engine swap).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AdapterFleet, adapterTraffic, startAdapterFleet } from './adapterTraffic';

let setup: AdapterFleet;

before(async () => {
  setup = await startAdapterFleet({ engineMetrics: true });
});

after(async () => {
  await setup?.close();
});

test('requests for each adapter concentrate on the replicas running it instead of alternating', async () => {
  const result = await adapterTraffic(setup, { workers: 3, perWorker: 10, maxTokens: 40, budgetMs: 60_000 });
  assert.deepEqual(result.failures, []);
  assert.equal(result.served.length, 60);
  const ordered = [...result.served].sort((a, b) => a.startedAt - b.startedAt);
  const settled = ordered.slice(ordered.length / 2);
  // Once the first scrapes have shown which replica runs which adapter, a replica keeps to its adapter.
  const perReplica = new Map<string, Set<string>>();
  let switches = 0;
  const last = new Map<string, string>();
  for (const request of settled) {
    if (last.has(request.replica) && last.get(request.replica) !== request.adapter) switches++;
    last.set(request.replica, request.adapter);
    perReplica.set(request.replica, (perReplica.get(request.replica) ?? new Set()).add(request.adapter));
  }
  const mixed = [...perReplica].filter(([, adapters]) => adapters.size > 1).map(([name]) => name);
  assert.ok(switches <= 3, `adapter switches in the second half: ${switches}; replicas serving both: ${mixed}`);
  assert.ok(
    result.engineSwaps < result.served.length / 3,
    `engine adapter swaps ${result.engineSwaps} for ${result.served.length} requests (alternating: about 3 in 4)`,
  );
});
