import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALGORITHM_IDS } from '../../../core/protocol';
import {
  algorithmPickItems,
  algorithmTarget,
  currentAlgorithm,
  defaultReplicaName,
  normalizeReplicaUrl,
  poolTargetOf,
  replicaNameToWrite,
  replicaTargetOf,
  resolveReplica,
  scopePickItems,
} from '../../../extension/commandArgs';
import { buildTreeModel, poolKey, replicaKey } from '../../../extension/poolsTreeModel';
import { snapshot } from './fixtures';

test('a replica tree node as argument names its pool and replica', () => {
  const model = buildTreeModel(snapshot());
  const node = model.nodes.get(replicaKey('llama-8b', 'gpu-b'));
  assert.deepEqual(replicaTargetOf(node), { pool: 'llama-8b', replica: 'gpu-b', url: 'http://10.0.0.11:8000' });
  assert.deepEqual(poolTargetOf(node), { pool: 'llama-8b' });
  const pool = model.nodes.get(poolKey('qwen'));
  assert.deepEqual(poolTargetOf(pool), { pool: 'qwen' });
  assert.equal(replicaTargetOf(pool), undefined, 'a pool node is not a replica');
});

test('scripts may pass "pool/replica" strings or plain objects', () => {
  assert.deepEqual(replicaTargetOf('qwen/q1'), { pool: 'qwen', replica: 'q1' });
  assert.deepEqual(replicaTargetOf('qwen/10.0.1.1:8000'), { pool: 'qwen', replica: '10.0.1.1:8000' });
  assert.equal(replicaTargetOf('qwen'), undefined);
  assert.equal(replicaTargetOf('/q1'), undefined);
  assert.equal(replicaTargetOf(undefined), undefined);
  assert.deepEqual(replicaTargetOf({ pool: 'p', replica: 'r' }), { pool: 'p', replica: 'r' });
  assert.deepEqual(poolTargetOf('qwen'), { pool: 'qwen' });
  assert.equal(poolTargetOf(''), undefined);
  assert.equal(poolTargetOf(42), undefined);
});

test('resolveReplica fills in the URL from the snapshot and rejects unknown replicas', () => {
  assert.deepEqual(resolveReplica({ pool: 'qwen', replica: 'q1' }, snapshot()), {
    pool: 'qwen',
    replica: 'q1',
    url: 'http://10.0.1.1:8000',
  });
  assert.equal(resolveReplica({ pool: 'qwen', replica: 'gpu-a' }, snapshot()), undefined);
  assert.deepEqual(resolveReplica({ pool: 'x', replica: 'y' }, undefined), { pool: 'x', replica: 'y' });
});

test('algorithm quick pick: all seven ids with descriptions, the current one marked and first', () => {
  const items = algorithmPickItems('prefix-aware');
  assert.equal(items.length, 7);
  assert.deepEqual(new Set(items.map((i) => i.algorithm)), new Set(ALGORITHM_IDS));
  assert.equal(items[0]!.algorithm, 'prefix-aware');
  assert.equal(items[0]!.label, '$(check) prefix-aware');
  assert.equal(items[0]!.description, 'current');
  assert.equal(items.filter((i) => i.picked).length, 1);
  assert.ok(items.every((i) => i.detail.length > 10));
  assert.deepEqual(
    algorithmPickItems(undefined).map((i) => i.label),
    [...ALGORITHM_IDS],
  );
});

test('scope quick pick and the current algorithm of a scope', () => {
  const s = snapshot();
  assert.deepEqual(
    scopePickItems(s).map((i) => [i.label, i.pool, i.description]),
    [
      ['All pools', undefined, 'now: prefix-aware, least-connections'],
      ['llama-8b', 'llama-8b', 'prefix-aware'],
      ['qwen', 'qwen', 'least-connections'],
    ],
  );
  assert.equal(currentAlgorithm(s, 'qwen'), 'least-connections');
  assert.equal(currentAlgorithm(s, undefined), undefined, 'pools differ: nothing is current for "all"');
  s.pools[0]!.algorithm = 'least-connections';
  assert.equal(currentAlgorithm(s, undefined), 'least-connections');
});

test('replica URLs typed by the user are checked and normalised', () => {
  assert.deepEqual(normalizeReplicaUrl(' http://10.0.0.12:8000/v1/ '), { url: 'http://10.0.0.12:8000' });
  assert.deepEqual(normalizeReplicaUrl('gpu-box:8000'), { url: 'http://gpu-box:8000' });
  assert.deepEqual(normalizeReplicaUrl('https://h.example/vllm/'), { url: 'https://h.example/vllm' });
  assert.ok('error' in normalizeReplicaUrl(''));
  assert.ok('error' in normalizeReplicaUrl('ftp://x'));
  assert.ok('error' in normalizeReplicaUrl('http://user:pw@x:1'));
  assert.ok('error' in normalizeReplicaUrl('http://x:1/?a=b'));
  assert.ok('error' in normalizeReplicaUrl('http://[bad'));
});

test('algorithm target: a pool own key if it has one, else the top-level default (and who follows it)', () => {
  const file = { pools: [{ name: 'a' }, { name: 'b', algorithm: 'round-robin' }, { name: 'c' }] };
  assert.deepEqual(algorithmTarget(file, 'b'), {
    level: 'pool',
    pools: ['b'],
    note: "Written as pool b's own algorithm",
  });
  const a = algorithmTarget(file, 'a');
  assert.equal(a.level, 'default');
  assert.deepEqual(a.pools, ['a', 'c']);
  assert.match(a.note, /top-level default, which pools c follow too/);
  assert.deepEqual(algorithmTarget({ pools: [{ name: 'only' }] }, 'only').pools, ['only']);
  assert.equal(algorithmTarget(file, undefined).level, 'all');
});

test('Add Replica name: host:port by default, written only when the user chose another', () => {
  assert.equal(defaultReplicaName('http://10.0.0.12:8000'), '10.0.0.12:8000');
  assert.equal(replicaNameToWrite('10.0.0.12:8000', 'http://10.0.0.12:8000'), undefined);
  assert.equal(replicaNameToWrite('  ', 'http://10.0.0.12:8000'), undefined);
  assert.equal(replicaNameToWrite(' gpu-12 ', 'http://10.0.0.12:8000'), 'gpu-12');
});
