import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildTreeModel,
  diffTreeModels,
  EMPTY_TREE,
  type PoolNode,
  poolKey,
  type ReplicaNode,
  replicaKey,
} from '../../../extension/poolsTreeModel';
import { statusBarView } from '../../../extension/statusBarModel';
import { snapshot } from './fixtures';

const formatTime = (ms: number) => `T${ms}`;

test('pools are roots, replicas their children, in snapshot order', () => {
  const model = buildTreeModel(snapshot(), { formatTime });
  assert.deepEqual(model.roots, ['pool:llama-8b', 'pool:qwen']);
  const pool = model.nodes.get(poolKey('llama-8b')) as PoolNode;
  assert.deepEqual(pool.children, ['replica:llama-8b/gpu-a', 'replica:llama-8b/gpu-b']);
  assert.equal(model.nodes.size, 5);
});

test('a pool shows its algorithm and healthy/total, and a warning colour when a replica is down', () => {
  const model = buildTreeModel(snapshot(), { formatTime });
  const llama = model.nodes.get(poolKey('llama-8b')) as PoolNode;
  assert.equal(llama.label, 'llama-8b');
  assert.equal(llama.description, 'prefix-aware · 1/2');
  assert.equal(llama.contextValue, 'vllmPools.pool');
  assert.equal(llama.icon.color, 'list.warningForeground');
  assert.match(llama.tooltip, /Prefix-cache affinity/);
  const qwen = model.nodes.get(poolKey('qwen')) as PoolNode;
  assert.equal(qwen.description, 'least-connections · 1/1');
  assert.equal(qwen.icon.color, undefined);
});

test('a healthy replica has a short row; its tooltip has the live figures, URL and models', () => {
  const node = buildTreeModel(snapshot(), { formatTime }).nodes.get(replicaKey('llama-8b', 'gpu-a')) as ReplicaNode;
  assert.equal(node.description, '');
  assert.match(node.tooltip, /In flight 2 · requests 118/);
  assert.match(node.tooltip, /p50 82 ms/);
  assert.match(node.tooltip, /312 tokens\/s/);
  assert.equal(node.contextValue, 'vllmPools.replica.healthy');
  assert.deepEqual(node.icon, { id: 'pass-filled', color: 'testing.iconPassed' });
  assert.match(node.tooltip, /URL: `http:\/\/10\.0\.0\.10:8000`/);
  assert.match(node.tooltip, /Models: `meta-llama\/Llama-3\.1-8B-Instruct`/);
  assert.doesNotMatch(node.tooltip, /Ejected/);
  assert.deepEqual([node.pool, node.replica, node.url], ['llama-8b', 'gpu-a', 'http://10.0.0.10:8000']);
});

test('an ejected replica shows why, its last error and until when', () => {
  const node = buildTreeModel(snapshot(), { formatTime }).nodes.get(replicaKey('llama-8b', 'gpu-b')) as ReplicaNode;
  assert.equal(node.description, 'down');
  assert.match(node.tooltip, /— down \(3 failures in 30s\)/);
  assert.equal(node.contextValue, 'vllmPools.replica.unhealthy');
  assert.equal(node.icon.id, 'error');
  assert.match(node.tooltip, /Last error: connect ECONNREFUSED 10\.0\.0\.11:8000/);
  assert.match(node.tooltip, /Ejected until T1700000080000/);
});

test('draining and unknown replicas get their own icon and context value', () => {
  const s = snapshot();
  s.pools[0]!.replicas[0]!.state = 'draining';
  s.pools[1]!.replicas[0]!.state = 'unknown';
  const model = buildTreeModel(s, { formatTime });
  const draining = model.nodes.get(replicaKey('llama-8b', 'gpu-a')) as ReplicaNode;
  assert.equal(draining.contextValue, 'vllmPools.replica.draining');
  assert.equal(draining.icon.id, 'debug-pause');
  assert.equal(draining.description, 'draining');
  const unknown = model.nodes.get(replicaKey('qwen', 'q1')) as ReplicaNode;
  assert.equal(unknown.contextValue, 'vllmPools.replica.unknown');
  assert.equal(unknown.icon.id, 'circle-large-outline');
});

test('names from the network are escaped in Markdown tooltips', () => {
  const s = snapshot();
  s.pools[0]!.replicas[0]!.lastError = 'boom [click](command:evil) **x**';
  const node = buildTreeModel(s, { formatTime }).nodes.get(replicaKey('llama-8b', 'gpu-a')) as ReplicaNode;
  assert.match(node.tooltip, /boom \\\[click\\\]\\\(command:evil\\\) \\\*\\\*x\\\*\\\*/);
});

test('diff: an identical snapshot changes nothing (no flicker)', () => {
  const a = buildTreeModel(snapshot(), { formatTime });
  const b = buildTreeModel({ ...snapshot(), now: snapshot().now + 1000 }, { formatTime });
  assert.deepEqual(diffTreeModels(a, b), { structural: false, changed: [], figuresChanged: [] });
});

test('diff: traffic figures alone change no row (an open hover stays); a state change refreshes it and its pool', () => {
  const a = buildTreeModel(snapshot(), { formatTime });
  const s = snapshot();
  s.pools[1]!.replicas[0]!.inflight = 5;
  s.pools[1]!.replicas[0]!.tokensPerSecond = 999;
  assert.deepEqual(diffTreeModels(a, buildTreeModel(s, { formatTime })), {
    structural: false,
    changed: [],
    figuresChanged: ['replica:qwen/q1'],
  });
  const t = snapshot();
  t.pools[0]!.replicas[1]!.state = 'healthy';
  t.pools[0]!.replicas[1]!.reason = null;
  assert.deepEqual(diffTreeModels(a, buildTreeModel(t, { formatTime })).changed, [
    'pool:llama-8b',
    'replica:llama-8b/gpu-b',
  ]);
});

test('diff: added or removed pools and replicas are structural', () => {
  const a = buildTreeModel(snapshot(), { formatTime });
  const fewer = snapshot();
  fewer.pools[0]!.replicas.pop();
  assert.equal(diffTreeModels(a, buildTreeModel(fewer, { formatTime })).structural, true);
  const noPool = snapshot();
  noPool.pools.pop();
  assert.equal(diffTreeModels(a, buildTreeModel(noPool, { formatTime })).structural, true);
  assert.equal(diffTreeModels(EMPTY_TREE, a).structural, true);
  assert.equal(diffTreeModels(a, EMPTY_TREE).structural, true);
});

test('status bar: healthy/total and the shared algorithm, warning when a replica is down', () => {
  const s = snapshot();
  s.pools[0]!.algorithm = 'least-connections';
  const view = statusBarView('running', s);
  assert.equal(view.text, 'vLLM 2/3 · least-connections');
  assert.equal(view.warning, true);
  s.pools[0]!.replicas[1]!.state = 'healthy';
  assert.deepEqual(
    [statusBarView('running', s).text, statusBarView('running', s).warning],
    ['vLLM 3/3 · least-connections', false],
  );
  assert.equal(statusBarView('running', snapshot()).text, 'vLLM 2/3 · mixed');
  assert.equal(statusBarView('stopped', undefined).text, 'vLLM stopped');
  assert.equal(statusBarView('failed', undefined, 'port 8800 in use').warning, true);
});

test('a replica serving LoRA adapters says how many in its row; the tooltip names them and their base model', () => {
  const s = snapshot();
  const replica = s.pools[0]!.replicas[0]!;
  replica.models = ['meta-llama/Llama-3.1-8B-Instruct', 'sql-lora', 'chat-lora'];
  replica.served = [
    { id: 'meta-llama/Llama-3.1-8B-Instruct', parent: null },
    { id: 'sql-lora', parent: 'meta-llama/Llama-3.1-8B-Instruct' },
    { id: 'chat-lora', parent: 'meta-llama/Llama-3.1-8B-Instruct' },
  ];
  const model = buildTreeModel(s, { formatTime });
  const node = model.nodes.get(replicaKey('llama-8b', 'gpu-a')) as ReplicaNode;
  assert.equal(node.description, '2 adapters');
  assert.match(node.tooltip, /Models: `meta-llama\/Llama-3\.1-8B-Instruct`\n/);
  assert.match(node.tooltip, /LoRA adapters: `sql-lora` on `meta-llama\/Llama-3\.1-8B-Instruct`, `chat-lora` on/);
  assert.match(node.facts, /LoRA adapters/, 'a change of adapters refreshes the item');
  const plain = model.nodes.get(replicaKey('qwen', 'q1')) as ReplicaNode;
  assert.equal(plain.description, '', 'no adapters: the row stays empty');
  assert.doesNotMatch(plain.tooltip, /LoRA/);
  replica.state = 'unhealthy';
  const down = buildTreeModel(s, { formatTime }).nodes.get(replicaKey('llama-8b', 'gpu-a')) as ReplicaNode;
  assert.equal(down.description, 'down', 'the state wins over the adapter count');
});

test('an adapter loaded at run time is a change of the item, not of the tree', () => {
  const before = buildTreeModel(snapshot(), { formatTime });
  const s = snapshot();
  s.pools[0]!.replicas[0]!.served = [
    { id: 'meta-llama/Llama-3.1-8B-Instruct', parent: null },
    { id: 'sql-lora', parent: 'meta-llama/Llama-3.1-8B-Instruct' },
  ];
  const changes = diffTreeModels(before, buildTreeModel(s, { formatTime }));
  assert.equal(changes.structural, false);
  assert.deepEqual(changes.changed, [replicaKey('llama-8b', 'gpu-a')]);
});

test('the adapters the engine runs now are a live figure in the tooltip, not a change of the row', () => {
  const idle = snapshot();
  const engine = { running: 1, waiting: 0, kvCacheUsage: 0.25, prefixCacheHitRate: null, scrapedAt: 1, stale: false };
  idle.pools[0]!.replicas[0]!.engine = { ...engine, lora: { running: [], waiting: [], maxLora: 2 } };
  const busy = snapshot();
  busy.pools[0]!.replicas[0]!.engine = {
    ...engine,
    lora: { running: ['sql-lora'], waiting: ['chat-lora'], maxLora: 2 },
  };
  const before = buildTreeModel(idle, { formatTime });
  const after = buildTreeModel(busy, { formatTime });
  const node = after.nodes.get(replicaKey('llama-8b', 'gpu-a')) as ReplicaNode;
  assert.match(node.tooltip, /LoRA adapters running: `sql-lora` \(max 2 per batch\) · waiting `chat-lora`/);
  const idleNode = before.nodes.get(replicaKey('llama-8b', 'gpu-a')) as ReplicaNode;
  assert.match(idleNode.tooltip, /LoRA adapters running: none \(max 2 per batch\)/);
  assert.doesNotMatch(node.facts, /running/, 'running adapters change with traffic: not a fact of the row');
  const changes = diffTreeModels(before, after);
  assert.deepEqual(changes.changed, []);
  assert.deepEqual(changes.figuresChanged, [replicaKey('llama-8b', 'gpu-a')]);
  const plain = after.nodes.get(replicaKey('qwen', 'q1')) as ReplicaNode;
  assert.doesNotMatch(plain.tooltip, /running:/, 'no line for a replica that does not publish LoRA state');
});
