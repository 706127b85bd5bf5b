// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:..} and ${secret:..} are config references
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StateSnapshot } from '../../../core/protocol';
import { liveReplicas } from '../../../extension/configEditor/liveReplicas';
import { minimalReplacement } from '../../../extension/configEditor/textDiff';
import {
  displayValue,
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
