import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createdResponseId,
  isUnknownResponse,
  previousResponseId,
  ResponseAffinity,
  replicasToTry,
  responseIdOfPath,
  storesResponse,
} from '../../../sidecar/proxy/responseAffinity';

test('remembers which replica created a response, and forgets the least recently used past its capacity', () => {
  const affinity = new ResponseAffinity(3);
  affinity.remember('resp_a', 'r1');
  affinity.remember('resp_b', 'r2');
  affinity.remember('resp_c', 'r3');
  assert.equal(affinity.replicaOf('resp_a'), 'r1'); // a use: resp_b is now the oldest
  affinity.remember('resp_d', 'r1');
  assert.equal(affinity.size, 3);
  assert.equal(affinity.replicaOf('resp_b'), undefined);
  assert.equal(affinity.replicaOf('resp_a'), 'r1');
  assert.equal(affinity.replicaOf('resp_c'), 'r3');
  affinity.remember('resp_c', 'r2'); // remembered again: the newer creator wins
  assert.equal(affinity.replicaOf('resp_c'), 'r2');
  affinity.forget('resp_c');
  assert.equal(affinity.replicaOf('resp_c'), undefined);
  affinity.remember('', 'r1');
  assert.equal(affinity.size, 2);
});

test('a replica that left takes its ids with it; the default capacity is bounded', () => {
  const affinity = new ResponseAffinity();
  for (let i = 0; i < 10_050; i++) affinity.remember(`resp_${i}`, i % 2 === 0 ? 'r1' : 'r2');
  assert.equal(affinity.size, 10_000);
  assert.equal(affinity.replicaOf('resp_0'), undefined);
  assert.equal(affinity.replicaOf('resp_10049'), 'r2');
  affinity.forgetReplica('r2');
  assert.equal(affinity.size, 5_000);
  assert.equal(affinity.replicaOf('resp_10049'), undefined);
  assert.equal(affinity.replicaOf('resp_10048'), 'r1');
});

test('replicas to try: the remembered one first, then an order fixed by the id, the same in every call', () => {
  const replicas = ['r1', 'r2', 'r3', 'r4'].map((name) => ({ name, url: `http://127.0.0.1/${name}` }));
  const order = replicasToTry(replicas, 'resp_x').map((r) => r.name);
  assert.deepEqual([...order].sort(), ['r1', 'r2', 'r3', 'r4']);
  assert.deepEqual(
    replicasToTry([...replicas].reverse(), 'resp_x').map((r) => r.name),
    order,
  );
  const remembered = replicasToTry(replicas, 'resp_x', 'r3').map((r) => r.name);
  assert.equal(remembered[0], 'r3');
  assert.deepEqual(
    remembered.slice(1),
    order.filter((name) => name !== 'r3'),
  );
  assert.deepEqual(
    replicasToTry(replicas, 'resp_x', 'gone').map((r) => r.name),
    order,
  );
  // Different ids start at different replicas: unknown-id probes spread over the pool.
  const firsts = new Set<string>();
  for (let i = 0; i < 200; i++) firsts.add(replicasToTry(replicas, `resp_${i}`)[0]?.name ?? '');
  assert.equal(firsts.size, 4);
  assert.deepEqual(replicasToTry([], 'resp_x'), []);
  assert.equal(isUnknownResponse(404), true);
  assert.equal(isUnknownResponse(200), false);
  assert.equal(isUnknownResponse(500), false);
});

test('the response id a path names, for each route that needs the creating replica', () => {
  assert.deepEqual(responseIdOfPath('GET', '/v1/responses/resp_1'), { id: 'resp_1', action: 'retrieve' });
  assert.deepEqual(responseIdOfPath('GET', '/v1/responses/resp_1?stream=true&starting_after=3'), {
    id: 'resp_1',
    action: 'retrieve',
  });
  assert.deepEqual(responseIdOfPath('delete', '/v1/responses/resp_1'), { id: 'resp_1', action: 'delete' });
  assert.deepEqual(responseIdOfPath('POST', '/v1/responses/resp_1/cancel'), { id: 'resp_1', action: 'cancel' });
  assert.deepEqual(responseIdOfPath('GET', '/v1/responses/resp_1/input_items?limit=5'), {
    id: 'resp_1',
    action: 'input_items',
  });
  assert.deepEqual(responseIdOfPath('GET', '/pools/llama-8b/v1/responses/resp%5F1'), {
    id: 'resp_1',
    action: 'retrieve',
  });
  assert.equal(responseIdOfPath('POST', '/v1/responses'), undefined);
  assert.equal(responseIdOfPath('POST', '/v1/responses/resp_1'), undefined);
  assert.equal(responseIdOfPath('GET', '/v1/responses/resp_1/cancel'), undefined);
  assert.equal(responseIdOfPath('GET', '/v1/responses/resp_1/other'), undefined);
  assert.equal(responseIdOfPath('GET', '/v1/responses/%E0%A4%A'), undefined);
  assert.equal(responseIdOfPath('GET', '/v1/chat/completions'), undefined);
});

test('previous_response_id, created ids and store', () => {
  assert.equal(previousResponseId({ previous_response_id: 'resp_p', input: 'x' }), 'resp_p');
  assert.equal(previousResponseId({ previous_response_id: '' }), undefined);
  assert.equal(previousResponseId({ previous_response_id: 3 }), undefined);
  assert.equal(previousResponseId(null), undefined);
  assert.equal(createdResponseId({ id: 'resp_1', object: 'response', status: 'completed' }), 'resp_1');
  assert.equal(createdResponseId({ id: 'chatcmpl-1', object: 'chat.completion' }), undefined);
  assert.equal(createdResponseId('resp_1'), undefined);
  assert.equal(storesResponse({ model: 'm' }), true);
  assert.equal(storesResponse({ store: true }), true);
  assert.equal(storesResponse({ store: false }), false);
});
