// The README's "Mixed fleets" worked config goes through the config loader as written: no issue, and the names the
// text after it relies on (replica names in the curl example, the fallback, the aliases, the deadline) come out.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../core/config/load';
import { formatIssue } from '../../../core/config/types';

function mixedFleetsYaml(): string {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Mixed fleets'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n### ', 5)));
  assert.ok(match, 'a yaml block in the Mixed fleets section');
  return match[1]!;
}

test('the README Mixed fleets config loads without issues and says what the text says', () => {
  const result = parseConfig(mixedFleetsYaml(), 'README.md', {});
  assert.deepEqual(result.issues.map(formatIssue), []);
  const config = result.config!;
  assert.deepEqual(config.aliases, { 'gpt-4o': 'meta-llama/Llama-3.1-8B-Instruct', 'gpt-4o-mini': 'Qwen/Qwen3-0.6B' });
  const llama = config.pools.find((pool) => pool.name === 'llama-8b')!;
  assert.equal(llama.fallback, 'qwen-small');
  assert.equal(llama.deadline, 120_000);
  assert.equal(llama.algorithm, 'prefix-aware');
  assert.deepEqual(
    llama.replicas.map((replica) => replica.name),
    ['gpu-a.internal:8000', 'gpu-b.internal:8000', 'gpu-c.internal:8000'],
    'the curl example names gpu-b.internal:8000',
  );
  assert.ok(config.pools.some((pool) => pool.name === 'qwen-small'));
});
