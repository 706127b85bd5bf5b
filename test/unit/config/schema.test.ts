import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { CONFIG_KEYS, parseConfig } from '../../../core/config/load';
import { ALGORITHM_IDS } from '../../../core/protocol';
import { CORPUS_ENV, readCorpus } from './corpus';

const schemaPath = join(__dirname, '..', '..', '..', 'schema', 'vllm-pools.schema.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
ajv.addKeyword('markdownEnumDescriptions');
const validate = ajv.compile(schema);

test('the schema is draft-07 and every property has a description', () => {
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  const missing: string[] = [];
  const walk = (node: Record<string, unknown>, path: string) => {
    const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
    for (const [key, child] of Object.entries(properties ?? {})) {
      if (typeof child.description !== 'string' || child.description.length < 10) missing.push(`${path}${key}`);
      walk(child, `${path}${key}.`);
    }
    if (node.items) walk(node.items as Record<string, unknown>, `${path}[].`);
  };
  walk(schema, '');
  assert.deepEqual(missing, []);
});

test('the schema allows exactly the keys the parser allows', () => {
  const props = (node: { properties?: object }) => Object.keys(node.properties ?? {}).sort();
  const pool = schema.properties.pools.items;
  assert.deepEqual(props(schema), [...CONFIG_KEYS.top].sort());
  assert.deepEqual(props(pool), [...CONFIG_KEYS.pool].sort());
  assert.deepEqual(props(pool.properties.replicas.items), [...CONFIG_KEYS.replica].sort());
  assert.deepEqual(props(pool.properties.healthCheck), [...CONFIG_KEYS.healthCheck].sort());
  assert.deepEqual(props(pool.properties.timeouts), [...CONFIG_KEYS.timeouts].sort());
  assert.deepEqual(schema.properties.algorithm.enum, [...ALGORITHM_IDS]);
  assert.deepEqual(pool.properties.algorithm.enum, [...ALGORITHM_IDS]);
});

test('schema defaults are the parser defaults', () => {
  const { config } = parseConfig('pools: [{ name: a, replicas: [{ url: "http://h:1" }] }]\n', 'c.yaml', {});
  assert.ok(config);
  const pool = schema.properties.pools.items.properties;
  const hc = pool.healthCheck.properties;
  const check = (schemaDefault: unknown, actual: unknown, parse: (v: unknown) => unknown = (v) => v) =>
    assert.equal(parse(schemaDefault), actual);
  const ms = (v: unknown) => {
    const m = /^(\d+)(ms|s|m|h)$/.exec(String(v))!;
    return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms']!;
  };
  const p = config.pools[0]!;
  check(hc.path.default, p.healthCheck.path);
  check(hc.interval.default, p.healthCheck.interval, ms);
  check(hc.timeout.default, p.healthCheck.timeout, ms);
  check(hc.rise.default, p.healthCheck.rise);
  check(hc.fall.default, p.healthCheck.fall);
  check(pool.maxFails.default, p.maxFails);
  check(pool.failTimeout.default, p.failTimeout, ms);
  check(pool.retries.default, p.retries);
  for (const key of ['connect', 'firstByte', 'idle'] as const) {
    check(pool.timeouts.properties[key].default, p.timeouts[key], ms);
  }
  check(schema.properties.engineMetrics.properties.interval.default, config.engineMetrics.interval, ms);
  check(schema.properties.shutdownGrace.default, config.shutdownGrace, ms);
  check(schema.properties.listen.properties.host.default, config.listen.host);
  check(schema.properties.listen.properties.port.default, config.listen.port);
});

for (const file of readCorpus()) {
  test(`schema and parser agree on ${file.kind}/${file.name}`, () => {
    const parserAccepts = parseConfig(file.text, file.name, CORPUS_ENV).config !== undefined;
    let data: unknown;
    let yamlOk = true;
    try {
      data = parse(file.text);
    } catch {
      yamlOk = false;
    }
    const schemaAccepts = yamlOk && validate(data);
    if (file.schemaCannotTell) {
      assert.equal(parserAccepts, false);
      assert.equal(schemaAccepts, true, 'a schema-cannot-tell file should pass the schema (else drop the marker)');
      return;
    }
    assert.equal(
      schemaAccepts,
      parserAccepts,
      `parser ${parserAccepts ? 'accepts' : 'rejects'}, schema ${schemaAccepts ? 'accepts' : 'rejects'}: ${ajv.errorsText(validate.errors)}`,
    );
  });
}
