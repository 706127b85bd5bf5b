import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../core/config/load';
import { formatIssue } from '../../../core/config/types';
import { CORPUS_ENV, readCorpus } from './corpus';

const corpus = readCorpus();

test('the corpus has valid and invalid files', () => {
  assert.ok(corpus.filter((f) => f.kind === 'valid').length >= 5);
  assert.ok(corpus.filter((f) => f.kind === 'invalid').length >= 25);
  for (const file of corpus.filter((f) => f.kind === 'invalid')) {
    assert.ok(file.errors.length > 0, `${file.name} names no expected error`);
  }
});

for (const file of corpus) {
  test(`${file.kind}/${file.name} gives exactly its expected FILE:LINE:COL messages`, () => {
    const label = `test/fixtures/config/${file.kind}/${file.name}`;
    const { config, issues } = parseConfig(file.text, label, CORPUS_ENV);
    const expected = [
      ...file.errors.map((e) => `${label}:${e}`),
      ...file.warnings.map((w) => {
        const [line, col, ...rest] = w.split(':');
        return `${label}:${line}:${col}: warning:${rest.join(':')}`;
      }),
    ];
    const actual = issues.map(formatIssue);
    assert.deepEqual([...actual].sort(), [...expected].sort());
    assert.equal(config !== undefined, file.kind === 'valid');
    for (const secret of Object.values(CORPUS_ENV)) {
      for (const message of actual) assert.ok(!message.includes(secret as string), 'a secret value leaked');
    }
  });
}
