// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:..} and ${secret:..} are config references, not templates
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { applyFormEdit, FormEditError } from '../../../core/config/yamlEdit';
import { PLAIN, UNUSUAL } from '../configEditor/fixtures';
import { hunk } from './hunk';

function edited(text: string, edit: Parameters<typeof applyFormEdit>[1]): string {
  const result = applyFormEdit(text, edit);
  assert.equal(result.minimal, true, 'the edit should be a minimal splice');
  return result.text;
}

describe('applyFormEdit: one field changed leaves every other line byte-identical', () => {
  it('sets a replica weight in a block map, keeping its trailing comment', () => {
    const out = edited(UNUSUAL, { kind: 'set', path: ['pools', 0, 'replicas', 0, 'weight'], value: 4 });
    assert.deepEqual(hunk(UNUSUAL, out), {
      removed: ['            weight: 2          # bigger card'],
      added: ['            weight: 4          # bigger card'],
    });
  });

  it('sets a value inside a flow map', () => {
    const out = edited(UNUSUAL, { kind: 'set', path: ['pools', 0, 'timeouts', 'firstByte'], value: '600s' });
    assert.deepEqual(hunk(UNUSUAL, out), {
      removed: ['      timeouts: { connect: 5s, firstByte: 300s, idle: 3600s }'],
      added: ['      timeouts: { connect: 5s, firstByte: 600s, idle: 3600s }'],
    });
  });

  it('keeps the quote style of a quoted scalar', () => {
    const out = edited(UNUSUAL, {
      kind: 'set',
      path: ['pools', 0, 'replicas', 1, 'url'],
      value: 'http://10.0.0.99:8000',
    });
    assert.deepEqual(hunk(UNUSUAL, out).added, ["          - url: 'http://10.0.0.99:8000'"]);
    const renamed = edited(UNUSUAL, { kind: 'set', path: ['pools', 0, 'name'], value: 'llama-70b' });
    assert.deepEqual(hunk(UNUSUAL, renamed).added, ['    - name: "llama-70b"']);
  });

  it('quotes a string that would read as a number, and a flow value that holds a comma', () => {
    const port = edited(PLAIN, { kind: 'set', path: ['listen', 'port'], value: '88x0' });
    assert.equal(parse(port).listen.port, '88x0');
    const out = edited(UNUSUAL, { kind: 'set', path: ['pools', 0, 'replicas', 2, 'name'], value: 'a,b' });
    assert.equal(parse(out).pools[0].replicas[2].name, 'a,b');
    assert.deepEqual(hunk(UNUSUAL, out).added, ['          - { url: http://10.0.0.12:8000, name: "a,b" }']);
  });

  it('replaces a flow list of models', () => {
    const out = edited(UNUSUAL, { kind: 'set', path: ['pools', 0, 'models'], value: ['a/b', 'c/d'] });
    assert.deepEqual(hunk(UNUSUAL, out).added, ['      models: [a/b, c/d]']);
  });

  it('adds a missing key after the last key of its block map, at that map’s indentation', () => {
    const out = edited(UNUSUAL, { kind: 'set', path: ['pools', 0, 'replicas', 0, 'apiKey'], value: '${secret:gpu-a}' });
    assert.deepEqual(hunk(UNUSUAL, out), { removed: [], added: ['            apiKey: ${secret:gpu-a}'] });
    assert.equal(parse(out).pools[0].replicas[0].apiKey, '${secret:gpu-a}');
  });

  it('adds a missing nested map as a flow map', () => {
    const out = edited(PLAIN, { kind: 'set', path: ['pools', 0, 'healthCheck', 'interval'], value: '10s' });
    assert.deepEqual(hunk(PLAIN, out), { removed: [], added: ['    healthCheck: { interval: 10s }'] });
  });

  it('adds a key to a flow map', () => {
    const out = edited(UNUSUAL, { kind: 'set', path: ['engineMetrics', 'enabled'], value: false });
    assert.deepEqual(hunk(UNUSUAL, out).added, ['engineMetrics:   { interval: 2s, enabled: false }']);
  });

  it('deletes a key with its line, and a map left empty with its own key', () => {
    const out = edited(UNUSUAL, { kind: 'delete', path: ['pools', 1, 'retries'] });
    assert.deepEqual(hunk(UNUSUAL, out), { removed: ['      retries: 1'], added: [] });
    const emptied = edited(UNUSUAL, { kind: 'delete', path: ['engineMetrics', 'interval'] });
    assert.deepEqual(hunk(UNUSUAL, emptied), { removed: ['engineMetrics:   { interval: 2s }'], added: [] });
  });

  it('deletes a key from a flow map', () => {
    const out = edited(UNUSUAL, { kind: 'delete', path: ['listen', 'port'] });
    assert.deepEqual(hunk(UNUSUAL, out).added, ['listen: { host: 127.0.0.1 }   # loopback only']);
  });
});

describe('applyFormEdit: replicas added, removed and reordered keep comments', () => {
  it('appends a replica at the list’s own indentation', () => {
    const out = edited(UNUSUAL, {
      kind: 'append',
      path: ['pools', 0, 'replicas'],
      value: { url: 'http://10.0.0.13:8000', name: 'gpu-d' },
    });
    assert.deepEqual(hunk(UNUSUAL, out), {
      removed: [],
      added: ['          - url: http://10.0.0.13:8000', '            name: gpu-d'],
    });
    assert.equal(parse(out).pools[0].replicas.length, 4);
  });

  it('removes a replica together with the comment lines just above it', () => {
    const out = edited(UNUSUAL, { kind: 'delete', path: ['pools', 0, 'replicas', 1] });
    assert.deepEqual(hunk(UNUSUAL, out), {
      removed: [
        '          # GPU box B (shared)',
        "          - url: 'http://10.0.0.11:8000'",
        '            apiKey: ${env:VLLM_API_KEY}',
      ],
      added: [],
    });
    assert.ok(out.includes('# GPU box A') && out.includes('# bigger card') && out.includes('# the main chat pool'));
  });

  it('moves a replica down: its comments travel with it, every line is kept', () => {
    const out = edited(UNUSUAL, { kind: 'move', path: ['pools', 0, 'replicas'], from: 0, to: 1 });
    const urls = parse(out).pools[0].replicas.map((r: { url: string }) => r.url);
    assert.deepEqual(urls, ['http://10.0.0.11:8000', 'http://10.0.0.10:8000', 'http://10.0.0.12:8000']);
    assert.deepEqual(out.split('\n').sort(), UNUSUAL.split('\n').sort());
    assert.ok(
      out.indexOf('# GPU box B') < out.indexOf("- url: 'http://10.0.0.11") &&
        out.indexOf('# GPU box A') < out.indexOf('- url: http://10.0.0.10'),
    );
    assert.ok(out.indexOf("'http://10.0.0.11") < out.indexOf('# GPU box A'));
  });

  it('moves the flow-map replica to the top', () => {
    const out = edited(UNUSUAL, { kind: 'move', path: ['pools', 0, 'replicas'], from: 2, to: 0 });
    assert.equal(parse(out).pools[0].replicas[0].name, 'gpu-c');
    assert.deepEqual(out.split('\n').sort(), UNUSUAL.split('\n').sort());
  });

  it('removing the last replica leaves an empty list after the key', () => {
    const out = edited(UNUSUAL, { kind: 'delete', path: ['pools', 1, 'replicas', 0] });
    assert.deepEqual(hunk(UNUSUAL, out), {
      removed: ['      replicas:', '          - url: http://10.0.0.20:8000'],
      added: ['      replicas: []'],
    });
  });

  it('adds and removes a whole pool', () => {
    const added = edited(UNUSUAL, {
      kind: 'append',
      path: ['pools'],
      value: { name: 'code', replicas: [{ url: 'http://10.0.0.30:8000' }] },
    });
    assert.deepEqual(parse(added).pools[2], { name: 'code', replicas: [{ url: 'http://10.0.0.30:8000' }] });
    assert.deepEqual(hunk(UNUSUAL, added).removed, []);
    const removed = edited(UNUSUAL, { kind: 'delete', path: ['pools', 1] });
    assert.deepEqual(
      parse(removed).pools.map((p: { name: string }) => p.name),
      ['llama-8b'],
    );
    assert.ok(removed.includes('engineMetrics:   { interval: 2s }') && removed.includes('# trailing comment'));
  });

  it('creates a missing top-level list', () => {
    const out = edited(PLAIN, { kind: 'append', path: ['allowedOrigins'], value: 'https://example.com' });
    assert.deepEqual(hunk(PLAIN, out), { removed: [], added: ['allowedOrigins: [https://example.com]'] });
  });
});

describe('applyFormEdit: refusals and fallback', () => {
  it('refuses to edit through an alias', () => {
    assert.throws(
      () => applyFormEdit(UNUSUAL, { kind: 'set', path: ['pools', 1, 'healthCheck', 'interval'], value: '1s' }),
      FormEditError,
    );
  });

  it('refuses to edit a file with YAML syntax errors', () => {
    assert.throws(
      () => applyFormEdit('pools: [\n', { kind: 'set', path: ['algorithm'], value: 'round-robin' }),
      FormEditError,
    );
  });

  it('falls back to printing the Document when no splice fits, with the same meaning and comments', () => {
    const text = '# head: a file with only a comment\n';
    const result = applyFormEdit(text, { kind: 'append', path: ['pools'], value: { name: 'p', replicas: [] } });
    assert.equal(result.minimal, false);
    assert.deepEqual(parse(result.text), { pools: [{ name: 'p', replicas: [] }] });
    assert.ok(result.text.includes('# head'));
  });
});

describe('applyFormEdit: empty values and empty lists', () => {
  it('fills a key left empty, keeping its comment', () => {
    const text = 'pools:\n  - name: a\n    healthCheck:   # later\n    replicas: []\n';
    const out = edited(text, { kind: 'set', path: ['pools', 0, 'healthCheck', 'interval'], value: '5s' });
    assert.equal(out, 'pools:\n  - name: a\n    healthCheck: { interval: 5s }   # later\n    replicas: []\n');
  });

  it('appends the first replica to an empty flow list or an empty key as a block list', () => {
    const flow = edited('pools:\n  - name: a\n    replicas: []   # none yet\n', {
      kind: 'append',
      path: ['pools', 0, 'replicas'],
      value: { url: 'http://h:1', name: 'x' },
    });
    assert.equal(flow, 'pools:\n  - name: a\n    replicas:\n      - url: http://h:1\n        name: x   # none yet\n');
    const empty = edited('pools:\n', {
      kind: 'append',
      path: ['pools'],
      value: { name: 'a', replicas: [{ url: 'http://h:1' }] },
    });
    assert.equal(empty, 'pools:\n  - name: a\n    replicas:\n      - url: http://h:1\n');
  });
});

it('insertAfter puts a new key right after the named one (block and flow maps), else at the end', () => {
  const block = 'pools:\n  - name: p # the pool\n    replicas:\n      - url: http://a:1\n';
  const after = applyFormEdit(
    block,
    { kind: 'set', path: ['pools', 0, 'algorithm'], value: 'round-robin' },
    {
      insertAfter: 'name',
    },
  );
  assert.equal(
    after.text,
    'pools:\n  - name: p # the pool\n    algorithm: round-robin\n    replicas:\n      - url: http://a:1\n',
  );
  assert.equal(after.minimal, true);
  const flow = 'pools:\n  - { name: p, replicas: [] }\n';
  const inFlow = applyFormEdit(
    flow,
    { kind: 'set', path: ['pools', 0, 'algorithm'], value: 'random' },
    {
      insertAfter: 'name',
    },
  );
  assert.equal(inFlow.text, 'pools:\n  - { name: p, algorithm: random, replicas: [] }\n');
  const missing = applyFormEdit(
    block,
    { kind: 'set', path: ['pools', 0, 'retries'], value: 2 },
    { insertAfter: 'nope' },
  );
  assert.match(missing.text, /url: http:\/\/a:1\n {4}retries: 2\n$/);
});
