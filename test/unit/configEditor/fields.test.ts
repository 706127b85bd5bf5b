// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:..} and ${secret:..} are config references
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import type { FormValue } from '../../../core/configEditor/messages';
import type { StateSnapshot } from '../../../core/protocol';
import { liveReplicas, sidecarPort } from '../../../extension/configEditor/liveReplicas';
import { minimalReplacement } from '../../../extension/configEditor/textDiff';
import {
  aliasEntries,
  aliasProblem,
  displayValue,
  fallbackChoices,
  listenPortHint,
  parseFieldInput,
  readReference,
  valueAt,
  writeReference,
} from '../../../webview/configEditor/fields';

describe('form fields', () => {
  it('turns typed text into YAML values: numbers stay numbers, empty means remove', () => {
    assert.equal(parseFieldInput('integer', ' 3 '), 3);
    assert.equal(parseFieldInput('integer', 'many'), 'many');
    assert.equal(parseFieldInput('duration', '5s'), '5s');
    assert.equal(parseFieldInput('duration', '250'), 250);
    assert.equal(parseFieldInput('text', '  '), null);
    assert.deepEqual(parseFieldInput('list', 'a/b, c/d,,'), ['a/b', 'c/d']);
    assert.equal(parseFieldInput('list', ' , '), null);
  });

  it('reads and writes key references; a literal is never echoed', () => {
    assert.deepEqual(readReference('${env:KEY}'), { kind: 'env', name: 'KEY' });
    assert.deepEqual(readReference('${secret:gpu-a}'), { kind: 'secret', name: 'gpu-a' });
    assert.deepEqual(readReference('sk-abc'), { kind: 'literal', name: '' });
    assert.deepEqual(readReference(undefined), { kind: 'none', name: '' });
    assert.equal(writeReference('secret', ' gpu-a '), '${secret:gpu-a}');
    assert.equal(writeReference('env', ''), undefined);
    assert.equal(writeReference('none', 'x'), null);
  });

  it('finds and shows values by path', () => {
    const root = { pools: [{ models: ['a', 'b'], replicas: [{ weight: 2 }] }] };
    assert.equal(valueAt(root, ['pools', 0, 'replicas', 0, 'weight']), 2);
    assert.equal(valueAt(root, ['pools', 3, 'name']), undefined);
    assert.equal(displayValue(valueAt(root, ['pools', 0, 'models'])), 'a, b');
  });
});

describe('minimalReplacement', () => {
  it('replaces only the changed middle', () => {
    assert.deepEqual(minimalReplacement('a: 1\nb: 2\n', 'a: 1\nb: 3\n'), { start: 8, end: 9, text: '3' });
    assert.equal(minimalReplacement('same', 'same'), undefined);
    assert.deepEqual(minimalReplacement('ab', 'aXb'), { start: 1, end: 1, text: 'X' });
  });

  it('never splits a surrogate pair', () => {
    const change = minimalReplacement('x😀y', 'x😃y')!;
    assert.equal(change.start, 1);
    assert.equal(change.text, '😃');
  });
});

describe('liveReplicas', () => {
  it('is null without a snapshot and lists each replica with its pool otherwise', () => {
    assert.equal(liveReplicas(undefined), null);
    const snapshot = {
      pools: [
        {
          name: 'p',
          replicas: [{ name: 'a', url: 'http://h:1', state: 'healthy', reason: null, inflight: 2 }],
        },
      ],
    } as unknown as StateSnapshot;
    assert.deepEqual(liveReplicas(snapshot), [
      { pool: 'p', url: 'http://h:1', name: 'a', state: 'healthy', reason: null, inflight: 2 },
    ]);
  });
});

test('fallback choices are the other named pools; aliases read in file order; a new alias is checked', () => {
  const values: FormValue = {
    aliases: { 'gpt-4o': 'm1', o3: 'm2' },
    pools: [{ name: 'a' }, { name: 'b' }, { replicas: [] }, { name: 'c' }],
  };
  assert.deepEqual(fallbackChoices(values, 0), ['b', 'c']);
  assert.deepEqual(fallbackChoices(values, 3), ['a', 'b']);
  assert.deepEqual(aliasEntries(values), [
    ['gpt-4o', 'm1'],
    ['o3', 'm2'],
  ]);
  assert.deepEqual(aliasEntries({ aliases: ['not', 'a', 'map'] }), []);
  assert.match(aliasProblem('o3', 'm', ['gpt-4o', 'o3']) ?? '', /already an alias/);
  assert.match(aliasProblem('', 'm', []) ?? '', /name/);
  assert.match(aliasProblem('x', ' ', []) ?? '', /model/);
  assert.equal(aliasProblem('claude', 'm1', ['gpt-4o']), undefined);
});

test('the listen port hint appears only when the running sidecar listens elsewhere than the file says', () => {
  assert.equal(listenPortHint(undefined, null), undefined, 'sidecar not running');
  assert.equal(listenPortHint(undefined, 8800), undefined, 'the default port');
  assert.match(listenPortHint(undefined, 8811) ?? '', /runs on port 8811.*vllmPools\.port/);
  assert.equal(listenPortHint(9000, 9000), undefined);
  assert.match(listenPortHint(9000, 8800) ?? '', /port 8800/);
});

test('the sidecar port is read from the snapshot endpoint', () => {
  const at = (endpoint: string) => sidecarPort({ endpoint } as StateSnapshot);
  assert.equal(at('http://127.0.0.1:8811/v1'), 8811);
  assert.equal(at('not a url'), undefined);
  assert.equal(sidecarPort(undefined), undefined);
});
