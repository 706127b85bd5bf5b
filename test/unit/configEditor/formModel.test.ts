// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:..} and ${secret:..} are config references
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFormModel } from '../../../extension/configEditor/formModel';
import { validateConfigText } from '../../../extension/configEditor/validate';
import { UNUSUAL } from './fixtures';

function model(text: string) {
  return readFormModel(text, validateConfigText(text, 'vllm-pools.yaml'));
}

describe('readFormModel', () => {
  it('gives the values as written, aliases resolved, and lists aliased paths', () => {
    const m = model(UNUSUAL);
    assert.equal(m.syntaxOk, true);
    const values = m.values as { pools: { healthCheck: { interval: string } }[]; shutdownGrace: string };
    assert.equal(values.shutdownGrace, '30s');
    assert.equal(values.pools[1]!.healthCheck.interval, '5s');
    assert.deepEqual(m.aliased, ['pools.1.healthCheck']);
  });

  it('the sample with comments, anchors and flow maps is valid for the sidecar (references need not be set)', () => {
    assert.deepEqual(
      model(UNUSUAL).issues.filter((i) => i.severity === 'error'),
      [],
    );
  });

  it('places each validator issue on the path of the value or key at its line and column', () => {
    const text = UNUSUAL.replace('weight: 2 ', 'weight: -2').replace('retries: 1', 'retries: 1\n      colour: blue');
    const issues = model(text).issues;
    const weight = issues.find((i) => i.message.includes('weight'));
    assert.equal(weight?.path, 'pools.0.replicas.0.weight');
    const unknown = issues.find((i) => i.message.includes('colour'));
    assert.equal(unknown?.path, 'pools.1.colour');
    assert.equal(unknown?.line, text.split('\n').findIndex((l) => l.includes('colour')) + 1);
  });

  it('places an issue inside a flow map on that entry', () => {
    const issues = model(UNUSUAL.replace('firstByte: 300s', 'firstByte: soon')).issues;
    assert.equal(issues.find((i) => i.severity === 'error')?.path, 'pools.0.timeouts.firstByte');
  });

  it('a literal API key is a warning on that field', () => {
    const issues = model(UNUSUAL.replace('${env:VLLM_API_KEY}', 'sk-123456')).issues;
    assert.deepEqual(
      issues.map((i) => [i.path, i.severity]),
      [['pools.0.replicas.1.apiKey', 'warning']],
    );
    assert.ok(!issues.some((i) => i.message.includes('sk-123456')));
  });

  it('a YAML syntax error makes the model read-only with no values', () => {
    const m = model('pools:\n  - name: a\n    replicas: [\n');
    assert.equal(m.syntaxOk, false);
    assert.equal(m.values, null);
    assert.ok(m.issues.length > 0);
  });
});
