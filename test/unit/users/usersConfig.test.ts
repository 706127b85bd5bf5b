import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { CONFIG_KEYS, parseConfig } from '../../../core/config/load';
import { formatIssue } from '../../../core/config/types';

const POOLS = 'pools: [{ name: a, replicas: [{ url: "http://10.0.0.1:8000" }] }]\n';
const ENV = { ALICE: 'alice-token-value', VLLM_POOLS_SECRET_VLLM_POOLS_BOB: 'bob-token-value', CLIENT: 'shared' };

function load(yaml: string, env: NodeJS.ProcessEnv = ENV) {
  return parseConfig(POOLS + yaml, '/etc/vp.yaml', env);
}

test('users: names, tokens by ${env:}/${secret:}, limits; clientToken stays the anonymous user', () => {
  const { config, issues } = load(`listen: { host: 0.0.0.0 }
clientToken: \${env:CLIENT}
users:
  - name: alice
    token: \${env:ALICE}
    limits: { requestsPerMinute: 120, tokensPerMinute: 400000 }
  - name: bob
    token: \${secret:vllm-pools-bob}
`);
  assert.deepEqual(issues, []);
  assert.deepEqual(config?.users, [
    { name: 'alice', token: 'alice-token-value', limits: { requestsPerMinute: 120, tokensPerMinute: 400000 } },
    { name: 'bob', token: 'bob-token-value', limits: {} },
  ]);
  assert.equal(config?.clientToken, 'shared');
});

test('users alone satisfy a non-loopback listen address', () => {
  const { config, issues } = load('listen: { host: 0.0.0.0 }\nusers: [{ name: alice, token: "${env:ALICE}" }]\n');
  assert.ok(config, issues.map(formatIssue).join('\n'));
});

test('bad users are reported at file:line:col, and no message holds a token', () => {
  // [yaml, message, the text the issue must point at (its first occurrence, or the nth with "@n")]
  const cases: [string, RegExp, string][] = [
    ['users:\n  - name: alice\n', /users\[0\]\.token is required/, 'name: alice'],
    ['users:\n  - token: x\n', /users\[0\]\.name is required/, 'token: x'],
    [
      'users:\n  - { name: anonymous, token: "${env:ALICE}" }\n',
      /reserved for requests that present clientToken/,
      'anonymous',
    ],
    ['users:\n  - { name: "a b", token: "${env:ALICE}" }\n', /name may hold only/, '"a b"'],
    [
      'users:\n  - { name: a, token: "${env:ALICE}" }\n  - { name: a, token: "${secret:vllm-pools-bob}" }\n',
      /duplicate user name "a"/,
      'a, token: "${secret',
    ],
    [
      'users:\n  - { name: a, token: "${env:ALICE}" }\n  - { name: b, token: "${env:ALICE}" }\n',
      /users\[1\]\.token is the same as users\[0\]\.token/,
      '"${env:ALICE}" }\n',
    ],
    [
      'clientToken: "${env:CLIENT}"\nusers:\n  - { name: a, token: "${env:CLIENT}" }\n',
      /same as clientToken/,
      '"${env:CLIENT}" }',
    ],
    [
      'users:\n  - { name: a, token: "${env:MISSING}" }\n',
      /environment variable MISSING .*is not set/,
      '"${env:MISSING}"',
    ],
    [
      'users:\n  - { name: a, token: "${env:ALICE}", limits: { requestsPerMinute: 0 } }\n',
      /whole number 1 or more/,
      '0 }',
    ],
    [
      'users:\n  - { name: a, token: "${env:ALICE}", limits: { rpm: 5 } }\n',
      /unknown key "users\[0\]\.limits\.rpm"/,
      'rpm',
    ],
    ['users: []\n', /at least one user/, '[]'],
  ];
  for (const [yaml, message, target] of cases) {
    const text = POOLS + yaml;
    // The duplicate-token case points at the second occurrence.
    const offset = message.source.includes('users\\[1\\]') ? text.lastIndexOf(target) : text.indexOf(target);
    const before = text.slice(0, offset).split('\n');
    const [line, col] = [before.length, before.at(-1)!.length + 1];
    const { config, issues } = load(yaml);
    assert.equal(config, undefined, yaml);
    const issue = issues.find((i) => message.test(i.message));
    assert.ok(issue, `${yaml}\n${issues.map(formatIssue).join('\n')}`);
    assert.deepEqual([issue.line, issue.col], [line, col], `${yaml}: ${formatIssue(issue)}`);
    for (const i of issues) {
      for (const secret of Object.values(ENV)) assert.ok(!i.message.includes(secret), formatIssue(i));
    }
  }
});

test('a literal token is accepted with a warning that does not repeat it', () => {
  const { config, issues } = load('users:\n  - { name: a, token: literal-token-1234 }\n');
  assert.equal(config?.users?.[0]?.token, 'literal-token-1234');
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.severity, 'warning');
  assert.ok(!issues[0]!.message.includes('literal-token-1234'));
});

test('the JSON schema allows the keys the parser allows, and agrees on good and bad users', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '../../../schema/vllm-pools.schema.json'), 'utf8'));
  const user = schema.properties.users.items;
  assert.deepEqual(Object.keys(user.properties).sort(), [...CONFIG_KEYS.user].sort());
  assert.deepEqual(Object.keys(user.properties.limits.properties).sort(), [...CONFIG_KEYS.userLimits].sort());
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addKeyword('markdownEnumDescriptions');
  const validate = ajv.compile(schema);
  const good = `listen: { host: 0.0.0.0 }\nusers: [{ name: alice, token: "\${env:ALICE}", limits: { tokensPerMinute: 5 } }]\n`;
  assert.ok(validate(parse(POOLS + good)), JSON.stringify(validate.errors));
  assert.ok(load(good).config);
  for (const bad of [
    'users: [{ name: anonymous, token: "${env:ALICE}" }]\n',
    'users: [{ name: a, token: "${env:ALICE}", limits: { requestsPerMinute: 0 } }]\n',
    'users: []\n',
    'listen: { host: 0.0.0.0 }\n',
  ]) {
    assert.equal(validate(parse(POOLS + bad)), false, bad);
    assert.equal(load(bad).config, undefined, bad);
  }
});
