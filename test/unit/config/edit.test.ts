import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  addReplica,
  ConfigEditError,
  outlineConfig,
  removeReplica,
  STARTER_CONFIG,
  secretReferences,
  setAlgorithm,
  setAlgorithmEverywhere,
  setReplicaSecret,
} from '../../../core/config/edit';
import { secretEnvName } from '../../../core/config/references';
import { hunk } from './hunk';

const CONFIG = `# fleet config
listen: { host: 127.0.0.1, port: 8800 }   # loopback only
algorithm: least-connections # default

pools:
  # the big one
  - name: llama-8b
    models: ["meta-llama/Llama-3.1-8B-Instruct"]
    replicas:
      - url: http://10.0.0.10:8000   # gpu-a
        name: gpu-a
        weight: 2

      - url: 'http://10.0.0.11:8000'
    healthCheck: { path: /health, interval: 5s }
  - name: qwen
    algorithm: prefix-aware   # sticky
    replicas:
    - url: http://10.0.1.1:8000
    - url: http://10.0.1.2:8000 # last
`;

test('setAlgorithm (global) changes only the value on its line, comment kept', () => {
  const out = setAlgorithm(CONFIG, 'prefix-aware');
  assert.deepEqual(hunk(CONFIG, out), {
    removed: ['algorithm: least-connections # default'],
    added: ['algorithm: prefix-aware # default'],
  });
});

test('setAlgorithm on a pool that has one replaces it in place', () => {
  const out = setAlgorithm(CONFIG, 'round-robin', 'qwen');
  assert.deepEqual(hunk(CONFIG, out), {
    removed: ['    algorithm: prefix-aware   # sticky'],
    added: ['    algorithm: round-robin   # sticky'],
  });
});

test('setAlgorithm on a pool without one inserts a line after its name', () => {
  const out = setAlgorithm(CONFIG, 'queue-aware', 'llama-8b');
  assert.deepEqual(hunk(CONFIG, out), { removed: [], added: ['    algorithm: queue-aware'] });
  assert.equal(parse(out).pools[0].algorithm, 'queue-aware');
  assert.equal(
    out.split('\n').indexOf('    algorithm: queue-aware'),
    out.split('\n').indexOf('  - name: llama-8b') + 1,
  );
});

test('setAlgorithm inserts a global algorithm when the file has none', () => {
  const text = 'listen:\n  port: 8800\npools: []\n';
  const out = setAlgorithm(text, 'power-of-two');
  assert.equal(parse(out).algorithm, 'power-of-two');
  assert.deepEqual(parse(out).listen, { port: 8800 });
});

test('setAlgorithm names an unknown pool', () => {
  assert.throws(() => setAlgorithm(CONFIG, 'round-robin', 'nope'), ConfigEditError);
});

test('addReplica appends an item at the list indentation, nothing else changes', () => {
  const out = addReplica(CONFIG, 'llama-8b', 'http://10.0.0.12:8000', 'gpu-c');
  assert.deepEqual(hunk(CONFIG, out), {
    removed: [],
    added: ['      - url: http://10.0.0.12:8000', '        name: gpu-c'],
  });
  assert.equal(parse(out).pools[0].replicas.length, 3);
  assert.deepEqual(parse(out).pools[0].replicas[2], { url: 'http://10.0.0.12:8000', name: 'gpu-c' });
});

test('addReplica follows a list that is not indented under its key', () => {
  const out = addReplica(CONFIG, 'qwen', 'http://10.0.1.3:8000');
  assert.deepEqual(hunk(CONFIG, out), { removed: [], added: ['    - url: http://10.0.1.3:8000'] });
  assert.equal(parse(out).pools[1].replicas[2].url, 'http://10.0.1.3:8000');
});

test('addReplica on a file without a final newline', () => {
  const text = 'pools:\n  - name: p\n    replicas:\n      - url: http://a:1';
  const out = addReplica(text, 'p', 'http://b:2');
  assert.deepEqual(
    parse(out).pools[0].replicas.map((r: { url: string }) => r.url),
    ['http://a:1', 'http://b:2'],
  );
});

test('addReplica refuses a duplicate URL', () => {
  assert.throws(() => addReplica(CONFIG, 'qwen', 'http://10.0.1.2:8000/'), /already has a replica/);
});

test('addReplica into a flow or empty list goes through the Document API and keeps comments', () => {
  const text = '# top\npools:\n  - name: p # pool p\n    replicas: []\n';
  const out = addReplica(text, 'p', 'http://a:1');
  assert.deepEqual(parse(out).pools[0].replicas, [{ url: 'http://a:1' }]);
  assert.match(out, /# top/);
  assert.match(out, /# pool p/);
});

test('removeReplica removes exactly the item lines, by name or by url', () => {
  const byName = removeReplica(CONFIG, 'llama-8b', { name: 'gpu-a' });
  assert.deepEqual(hunk(CONFIG, byName), {
    removed: ['      - url: http://10.0.0.10:8000   # gpu-a', '        name: gpu-a', '        weight: 2'],
    added: [],
  });
  const byUrl = removeReplica(CONFIG, 'qwen', { url: 'http://10.0.1.2:8000' });
  assert.deepEqual(hunk(CONFIG, byUrl), { removed: ['    - url: http://10.0.1.2:8000 # last'], added: [] });
});

test('removeReplica matches the default name host:port of an unnamed replica', () => {
  const out = removeReplica(CONFIG, 'llama-8b', { name: '10.0.0.11:8000' });
  assert.deepEqual(hunk(CONFIG, out), { removed: ["      - url: 'http://10.0.0.11:8000'"], added: [] });
});

test('removeReplica will not leave a pool empty, and names a missing replica', () => {
  const one = 'pools:\n  - name: p\n    replicas:\n      - url: http://a:1\n';
  assert.throws(() => removeReplica(one, 'p', { url: 'http://a:1' }), /no replica left/);
  assert.throws(() => removeReplica(CONFIG, 'qwen', { name: 'ghost' }), /no replica ghost/);
});

const QWEN_REF = ['$', '{secret:qwen-key}'].join('');

test('setReplicaSecret writes a secret reference, never a key', () => {
  const out = setReplicaSecret(CONFIG, 'qwen', { url: 'http://10.0.1.1:8000' }, 'qwen-key');
  assert.deepEqual(hunk(CONFIG, out), { removed: [], added: [`      apiKey: ${QWEN_REF}`] });
  assert.equal(parse(out).pools[1].replicas[0].apiKey, QWEN_REF);
  assert.deepEqual(secretReferences(out), ['qwen-key']);
  assert.equal(secretEnvName('qwen-key'), 'VLLM_POOLS_SECRET_QWEN_KEY');
});

test('edits refuse a file that is not valid YAML', () => {
  assert.throws(() => setAlgorithm('pools: [\n', 'round-robin'), ConfigEditError);
});

test('the starter config parses and every edit works on it', () => {
  const doc = parse(STARTER_CONFIG);
  assert.equal(doc.algorithm, 'prefix-aware');
  assert.equal(doc.pools[0].replicas[0].url, 'http://127.0.0.1:8000');
  const edited = removeReplica(addReplica(STARTER_CONFIG, 'default', 'http://127.0.0.1:8001'), 'default', {
    url: 'http://127.0.0.1:8000',
  });
  assert.deepEqual(
    parse(edited).pools[0].replicas.map((r: { url: string }) => r.url),
    ['http://127.0.0.1:8001'],
  );
  assert.equal(setAlgorithm(STARTER_CONFIG, 'prefix-aware', 'default').includes('    algorithm: prefix-aware\n'), true);
});

test('setAlgorithmEverywhere sets the global value and every pool that names its own', () => {
  const out = setAlgorithmEverywhere(CONFIG, 'power-of-two');
  assert.deepEqual(hunk(CONFIG, out).added.filter((l) => l.includes('power-of-two')).length, 2);
  const parsed = parse(out);
  assert.equal(parsed.algorithm, 'power-of-two');
  assert.equal(parsed.pools[1].algorithm, 'power-of-two');
  assert.equal(parsed.pools[0].algorithm, undefined, 'a pool without its own key follows the global one');
  assert.match(out, /algorithm: power-of-two {3}# sticky/);
});

test('outlineConfig lists pools and replicas with default names, leniently', () => {
  assert.deepEqual(outlineConfig(CONFIG), {
    algorithm: 'least-connections',
    pools: [
      {
        name: 'llama-8b',
        replicas: [
          { url: 'http://10.0.0.10:8000', name: 'gpu-a' },
          { url: 'http://10.0.0.11:8000', name: '10.0.0.11:8000' },
        ],
      },
      {
        name: 'qwen',
        algorithm: 'prefix-aware',
        replicas: [
          { url: 'http://10.0.1.1:8000', name: '10.0.1.1:8000' },
          { url: 'http://10.0.1.2:8000', name: '10.0.1.2:8000' },
        ],
      },
    ],
  });
  assert.deepEqual(outlineConfig('pools: 3\n'), { pools: [] });
  assert.deepEqual(outlineConfig(''), { pools: [] });
});
