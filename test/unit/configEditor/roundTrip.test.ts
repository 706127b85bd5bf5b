// Property over whole files: changing any one scalar through the form changes exactly one line; every other line
// (comments, blank lines, flow maps, anchors, quoting, odd indentation) stays byte-identical.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isScalar, isSeq, type Node, parse, parseDocument } from 'yaml';
import { applyFormEdit } from '../../../core/config/yamlEdit';
import type { FormValue, YamlPath } from '../../../core/configEditor/messages';
import { SAMPLE } from '../../integration/configEditor/sample';
import { PLAIN, UNUSUAL } from './fixtures';

function scalarPaths(node: Node | null, path: YamlPath, out: [YamlPath, unknown][]): [YamlPath, unknown][] {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key)) scalarPaths(pair.value as Node, [...path, String(pair.key.value)], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      scalarPaths(item as Node, [...path, index], out);
    });
  } else if (isScalar(node)) {
    out.push([path, node.value]);
  }
  return out;
}

function changed(value: unknown): FormValue {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  return `${String(value)}-changed`;
}

function getIn(root: unknown, path: YamlPath): unknown {
  return path.reduce<unknown>((node, segment) => (node as Record<string | number, unknown>)?.[segment], root);
}

describe('round trip: one field changed, every untouched line byte-identical', () => {
  for (const [name, text] of Object.entries({ UNUSUAL, PLAIN, SAMPLE })) {
    it(`every scalar of ${name}`, () => {
      const paths = scalarPaths(parseDocument(text).contents as Node, [], []);
      assert.ok(paths.length >= 4, `${name} has scalars`);
      for (const [path, value] of paths) {
        const next = changed(value);
        const result = applyFormEdit(text, { kind: 'set', path, value: next });
        assert.equal(result.minimal, true, `minimal splice for ${path.join('.')}`);
        const before = text.split('\n');
        const after = result.text.split('\n');
        assert.equal(after.length, before.length, path.join('.'));
        const differing = before.flatMap((line, i) => (line === after[i] ? [] : [i]));
        assert.equal(differing.length, 1, `${path.join('.')} changed lines ${differing.join(',')}`);
        assert.deepEqual(getIn(parse(result.text), path), next, path.join('.'));
      }
    });
  }
});

describe('round trip: CRLF files', () => {
  it('a changed field keeps every other CRLF line', () => {
    const text = UNUSUAL.replace(/\n/g, '\r\n');
    const result = applyFormEdit(text, { kind: 'set', path: ['pools', 0, 'replicas', 0, 'weight'], value: 5 });
    assert.equal(result.minimal, true);
    assert.equal(result.text, text.replace('weight: 2 ', 'weight: 5 '));
    const moved = applyFormEdit(text, { kind: 'move', path: ['pools', 0, 'replicas'], from: 0, to: 2 });
    assert.equal(moved.minimal, true);
    assert.deepEqual(moved.text.split('\r\n').sort(), text.split('\r\n').sort());
  });
});
