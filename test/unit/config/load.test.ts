import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfigFile, parseConfig } from '../../../core/config/load';
import { secretEnvName } from '../../../core/config/references';
import { formatIssue } from '../../../core/config/types';
import { scrub } from '../../../sidecar/log';

const MINIMAL = `pools:
  - name: llama
    replicas:
      - url: http://10.0.0.10:8000
`;

function errors(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  return parseConfig(text, 'c.yaml', env)
    .issues.filter((i) => i.severity === 'error')
    .map(formatIssue);
}

test('a minimal file gets every default of the contract', () => {
  const { config, issues } = parseConfig(MINIMAL, 'c.yaml', {});
  assert.deepEqual(issues, []);
  assert.ok(config);
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 8800 });
  assert.equal(config.algorithm, 'prefix-aware');
  assert.deepEqual(config.engineMetrics, { enabled: true, interval: 2000 });
  assert.equal(config.limits.maxBodyBytes, 32 * 1024 * 1024);
  assert.equal(config.shutdownGrace, 30_000);
  assert.deepEqual(config.allowedOrigins, []);
  assert.equal(config.clientToken, undefined);
  assert.equal(config.admin.token, undefined);
  const pool = config.pools[0]!;
  assert.equal(pool.algorithm, 'prefix-aware');
  assert.equal(pool.models, undefined);
  assert.deepEqual(pool.healthCheck, {
    enabled: true,
    path: '/health',
    interval: 5000,
    timeout: 2000,
    rise: 2,
    fall: 3,
  });
  assert.equal(pool.maxFails, 3);
  assert.equal(pool.failTimeout, 30_000);
  assert.deepEqual(pool.timeouts, { connect: 5000, firstByte: 300_000, idle: 3_600_000 });
  assert.equal(pool.retries, 2);
  assert.deepEqual(pool.replicas, [{ url: 'http://10.0.0.10:8000', name: '10.0.0.10:8000', weight: 1 }]);
});

test('the contract example parses with its values', () => {
  const text = `listen: { host: 127.0.0.1, port: 8800 }
algorithm: round-robin
pools:
  - name: llama-8b
    models: [meta-llama/Llama-3.1-8B-Instruct]
    algorithm: prefix-aware
    replicas:
      - url: http://10.0.0.10:8000
        name: gpu-a
        weight: 2
        apiKey: \${env:VLLM_API_KEY}
      - url: https://gpu-b.internal
    healthCheck: { path: /ready, interval: 10s, timeout: 1500ms, rise: 1, fall: 5 }
    maxFails: 0
    failTimeout: 1m
    timeouts: { connect: 1s, firstByte: 60s, idle: 1h }
    retries: 0
engineMetrics: { enabled: false, interval: 500ms }
limits: { maxBodyBytes: 1MiB }
shutdownGrace: 0s
allowedOrigins: [https://example.com]
clientToken: \${env:VLLM_POOLS_CLIENT_TOKEN}
admin:
  token: \${secret:admin}
`;
  const env = { VLLM_API_KEY: 'key-123456', VLLM_POOLS_CLIENT_TOKEN: 'client-tok', VLLM_POOLS_SECRET_ADMIN: 'adm-tok' };
  const { config, issues } = parseConfig(text, 'c.yaml', env);
  assert.deepEqual(issues, []);
  assert.ok(config);
  const pool = config.pools[0]!;
  assert.equal(config.algorithm, 'round-robin');
  assert.equal(pool.algorithm, 'prefix-aware');
  assert.deepEqual(pool.models, ['meta-llama/Llama-3.1-8B-Instruct']);
  assert.deepEqual(pool.replicas[0], { url: 'http://10.0.0.10:8000', name: 'gpu-a', weight: 2, apiKey: 'key-123456' });
  assert.equal(pool.replicas[1]!.name, 'gpu-b.internal:443');
  assert.deepEqual(pool.healthCheck, {
    enabled: true,
    path: '/ready',
    interval: 10_000,
    timeout: 1500,
    rise: 1,
    fall: 5,
  });
  assert.equal(pool.maxFails, 0);
  assert.equal(pool.failTimeout, 60_000);
  assert.deepEqual(pool.timeouts, { connect: 1000, firstByte: 60_000, idle: 3_600_000 });
  assert.equal(pool.retries, 0);
  assert.deepEqual(config.engineMetrics, { enabled: false, interval: 500 });
  assert.equal(config.limits.maxBodyBytes, 1024 * 1024);
  assert.equal(config.shutdownGrace, 0);
  assert.equal(config.clientToken, 'client-tok');
  assert.equal(config.admin.token, 'adm-tok');
});

test('pools inherit the top-level algorithm', () => {
  const { config } = parseConfig(`algorithm: consistent-hash\n${MINIMAL}`, 'c.yaml', {});
  assert.equal(config?.pools[0]?.algorithm, 'consistent-hash');
});

test('unknown keys are errors at the key, with a suggestion', () => {
  const errs = errors(`${MINIMAL}        wieght: 2\nlistn: {}\n`);
  assert.deepEqual(errs, [
    'c.yaml:5:9: unknown key "pools[0].replicas[0].wieght" (did you mean "weight"?); allowed here: url, name, weight, apiKey, cacheTokens, kvEvents',
    'c.yaml:6:1: unknown key "listn" (did you mean "listen"?); allowed here: listen, algorithm, pools, engineMetrics, limits, shutdownGrace, allowedOrigins, clientToken, admin, tls, users, aliases',
  ]);
});

test('bad values are errors at the value', () => {
  const text = `algorithm: fastest
shutdownGrace: 5 minutes
limits: { maxBodyBytes: -1 }
pools:
  - name: a
    retries: -1
    maxFails: 1.5
    healthCheck: { interval: 0s, rise: 0 }
    replicas:
      - url: ftp://h:21
      - url: not a url
      - url: http://user:pw@h:1
        weight: 0
`;
  assert.deepEqual(errors(text), [
    'c.yaml:1:12: algorithm must be one of: round-robin, least-connections, least-response-time, consistent-hash, power-of-two, prefix-aware, queue-aware',
    'c.yaml:2:16: shutdownGrace must be a duration such as 250ms, 5s, 2m or 1h',
    'c.yaml:3:25: limits.maxBodyBytes must be a positive size such as 512KiB, 32MiB or a number of bytes',
    'c.yaml:6:14: pools[0].retries must be a whole number from 0 to 100',
    'c.yaml:7:15: pools[0].maxFails must be a whole number 0 or more',
    'c.yaml:8:30: pools[0].healthCheck.interval must be a positive duration such as 250ms, 5s, 2m or 1h',
    'c.yaml:8:40: pools[0].healthCheck.rise must be a whole number 1 or more',
    'c.yaml:10:14: pools[0].replicas[0].url must use http:// or https://',
    'c.yaml:11:14: pools[0].replicas[1].url must be an absolute http:// or https:// URL such as http://10.0.0.10:8000',
    'c.yaml:12:14: pools[0].replicas[2].url must not carry credentials; use apiKey with ${env:NAME}',
    'c.yaml:13:17: pools[0].replicas[2].weight must be a whole number from 1 to 1000',
  ]);
});

test('duplicate pool names, duplicate replica names, empty pools', () => {
  const text = `pools:
  - name: a
    replicas: [{ url: "http://h:1" }, { url: "http://h:1" }]
  - name: b
    replicas:
      - { url: "http://h:2", name: x }
      - { url: "http://h:3", name: x }
  - name: b
    replicas: [{ url: "http://h:4" }]
  - name: c
    replicas: []
`;
  assert.deepEqual(errors(text), [
    'c.yaml:3:46: duplicate replica name "h:1" in this pool (also pools[0].replicas[0])',
    'c.yaml:7:36: duplicate replica name "x" in this pool (also pools[1].replicas[0])',
    'c.yaml:8:11: duplicate pool name "b" (also pools[1])',
    'c.yaml:11:15: pools[3].replicas must list at least one replica',
  ]);
  assert.deepEqual(errors('pools: []\n'), ['c.yaml:1:8: pools must list at least one pool']);
  assert.deepEqual(errors('listen: {}\n'), [
    'c.yaml:1:1: pools is required: a list of pools, each with a name and replicas',
  ]);
  assert.deepEqual(errors(''), ['c.yaml:1:1: the config file is empty; it needs at least "pools"']);
});

test('a YAML syntax error or duplicate key has a position', () => {
  assert.deepEqual(errors(`${MINIMAL}pools: []\n`), ['c.yaml:5:1: "pools" appears twice in the same block; keep one']);
  assert.deepEqual(errors('pools:\n  - name: [a\n'), [
    'c.yaml:2:11: a [ list opened here is not closed; add ] where it ends',
  ]);
});

test("YAML syntax errors: one line per mistake, in plain words, none of the parser's jargon", () => {
  const broken = {
    'three mistakes': 'listen: { host: 127.0.0.1, port: 8800\npools:\n\t- name: a\n  - name: "x\\q"\n',
    'one mistake the parser reports three times': 'pools: [ - a ]\n',
    'a missing comma': 'pools: [{ name: a } { name: b }]\n',
    'two documents': 'pools: []\n---\npools: []\n',
    'misaligned key': 'pools:\n  - name: a\n   replicas: []\n',
  };
  const got = Object.fromEntries(Object.entries(broken).map(([name, text]) => [name, errors(text)]));
  assert.deepEqual(got, {
    'three mistakes': [
      'c.yaml:1:9: a { mapping opened here is not closed; add } where it ends',
      'c.yaml:3:1: a tab is used to indent this line; indent with spaces only',
      'c.yaml:4:13: a backslash in "double quotes" starts an escape; use \'single quotes\' or write \\\\',
    ],
    'one mistake the parser reports three times': [
      'c.yaml:1:10: "- " items and "key: value" lines cannot go inside [ ] or { }; write [a, b] or {key: value}',
    ],
    'a missing comma': ['c.yaml:1:21: items inside [ ] or { } are separated by ", " (one comma between two items)'],
    'two documents': ['c.yaml:2:1: a second YAML document starts here ("---"); the config is a single document'],
    'misaligned key': [
      'c.yaml:3:1: this line is indented like a list item but has no "- "; line it up with the keys above it',
    ],
  });
  for (const message of Object.values(got).flat()) {
    const words = message.replace(/^c\.yaml:\d+:\d+: /, '');
    assert.doesNotMatch(words, /YAML:|implicit|flow|collection|indicator|scalar/i, message);
  }
});

test('a non-loopback listen.host needs a clientToken', () => {
  const open = `listen: { host: 0.0.0.0 }\n${MINIMAL}`;
  assert.deepEqual(errors(open), [
    'c.yaml:1:17: listen.host is not a loopback address: set clientToken (e.g. ${env:VLLM_POOLS_CLIENT_TOKEN}) so that only your team can call it',
  ]);
  assert.deepEqual(errors(`${open}clientToken: \${env:T}\n`, { T: 'team-token' }), []);
  for (const host of ['localhost', '127.0.0.2', '::1', '[::1]']) {
    assert.deepEqual(errors(`listen: { host: "${host}" }\n${MINIMAL}`), [], host);
  }
});

test('references: env, secret, unset, malformed; values never in messages', () => {
  const text = (ref: string) => `${MINIMAL}        apiKey: "${ref}"\n`;
  assert.equal(secretEnvName('my-key.prod'), 'VLLM_POOLS_SECRET_MY_KEY_PROD');
  const resolved = parseConfig(text('${secret:my-key.prod}'), 'c.yaml', { VLLM_POOLS_SECRET_MY_KEY_PROD: 'v1' });
  assert.equal(resolved.config?.pools[0]?.replicas[0]?.apiKey, 'v1');
  assert.deepEqual(errors(text('${env:NOPE}')), [
    'c.yaml:5:17: pools[0].replicas[0].apiKey: environment variable NOPE is not set',
  ]);
  assert.deepEqual(errors(text('${secret:gpu}')), [
    'c.yaml:5:17: pools[0].replicas[0].apiKey: environment variable VLLM_POOLS_SECRET_GPU (the value of ${secret:gpu}) is not set',
  ]);
  assert.deepEqual(errors(text('${env:X')), [
    'c.yaml:5:17: pools[0].replicas[0].apiKey is not a valid reference; write ${env:NAME} or ${secret:NAME}',
  ]);
  const literal = parseConfig(text('sk-very-secret-literal'), 'c.yaml', {});
  assert.ok(literal.config);
  assert.equal(literal.issues.length, 1);
  assert.equal(literal.issues[0]!.severity, 'warning');
  assert.doesNotMatch(formatIssue(literal.issues[0]!), /sk-very-secret-literal/);
  // A secret in a wrong place: the message names the field, not the value.
  const wrong = errors(`listen: { host: sk-very-secret-literal, port: sk-very-secret-literal }\n${MINIMAL}`);
  assert.ok(wrong.length > 0);
  for (const message of wrong) assert.doesNotMatch(message, /sk-very-secret-literal/);
});

test('admin.token is the one in force: VLLM_POOLS_ADMIN_TOKEN first, then the file (as the sidecar and the extension use it)', () => {
  assert.equal(parseConfig(MINIMAL, 'c.yaml', { VLLM_POOLS_ADMIN_TOKEN: 'from-env' }).config?.admin.token, 'from-env');
  const withToken = `${MINIMAL}admin: { token: "\${env:A}" }\n`;
  assert.equal(
    parseConfig(withToken, 'c.yaml', { A: 'from-file', VLLM_POOLS_ADMIN_TOKEN: 'from-env' }).config?.admin.token,
    'from-env',
  );
  assert.equal(parseConfig(withToken, 'c.yaml', { A: 'from-file' }).config?.admin.token, 'from-file');
});

test('tls paths resolve against the config file directory', () => {
  const { config } = parseConfig(`${MINIMAL}tls: { cert: certs/c.pem, key: /abs/k.pem }\n`, '/etc/vp/c.yaml', {});
  assert.deepEqual(config?.tls, { cert: '/etc/vp/certs/c.pem', key: '/abs/k.pem' });
  assert.deepEqual(errors(`${MINIMAL}tls: { cert: c.pem }\n`), ['c.yaml:5:1: tls.key is required']);
});

test('loadConfigFile: a missing file is an issue at 1:1; a real file is parsed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vp-config-'));
  try {
    const missing = loadConfigFile(join(dir, 'nope.yaml'), {});
    assert.equal(missing.config, undefined);
    assert.deepEqual(
      missing.issues.map((i) => [i.line, i.col, i.severity]),
      [[1, 1, 'error']],
    );
    writeFileSync(join(dir, 'vllm-pools.yaml'), MINIMAL);
    const loaded = loadConfigFile(join(dir, 'vllm-pools.yaml'), {});
    assert.equal(loaded.config?.file, join(dir, 'vllm-pools.yaml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('aliases and anchors are followed', () => {
  const text = `pools:
  - name: a
    healthCheck: &hc { interval: 1s }
    replicas: [{ url: "http://h:1" }]
  - name: b
    healthCheck: *hc
    replicas: [{ url: "http://h:2" }]
`;
  const { config, issues } = parseConfig(text, 'c.yaml', {});
  assert.deepEqual(issues, []);
  assert.equal(config?.pools[1]?.healthCheck.interval, 1000);
});

test('every resolved secret is registered with the log redactor', () => {
  const text = `clientToken: "\${env:CT}"\nadmin: { token: "\${secret:adm}" }\n${MINIMAL}        apiKey: "\${env:KEY}"\n`;
  const env = { CT: 'zq7-ct-91x', VLLM_POOLS_SECRET_ADM: 'zq7-adm-42y', KEY: 'zq7-rk-63w' };
  assert.ok(parseConfig(text, 'c.yaml', env).config);
  assert.equal(scrub('a zq7-ct-91x b zq7-adm-42y c zq7-rk-63w'), 'a [REDACTED] b [REDACTED] c [REDACTED]');
  parseConfig(MINIMAL, 'c.yaml', { VLLM_POOLS_ADMIN_TOKEN: 'zq7-fb-58v' });
  assert.equal(scrub('zq7-fb-58v'), '[REDACTED]');
});

test('a replica URL ending in /v1 (a pasted OPENAI_BASE_URL) is used without it, with a warning', () => {
  const text = 'pools:\n  - name: a\n    replicas:\n      - url: http://h:8000/v1\n      - url: http://h:8001/v1/\n';
  const { config, issues } = parseConfig(text, 'c.yaml', {});
  assert.deepEqual(
    config?.pools[0]?.replicas.map((r) => [r.url, r.name]),
    [
      ['http://h:8000', 'h:8000'],
      ['http://h:8001', 'h:8001'],
    ],
  );
  assert.deepEqual(issues.map(formatIssue), [
    'c.yaml:4:14: warning: pools[0].replicas[0].url ends in /v1; the sidecar adds /v1 itself, so it uses http://h:8000 (write that to silence this)',
    'c.yaml:5:14: warning: pools[0].replicas[1].url ends in /v1; the sidecar adds /v1 itself, so it uses http://h:8001 (write that to silence this)',
  ]);
  const other = parseConfig('pools: [{ name: a, replicas: [{ url: "http://h:1/vllm" }] }]\n', 'c.yaml', {});
  assert.equal(other.config?.pools[0]?.replicas[0]?.url, 'http://h:1/vllm', 'another path prefix is kept');
  assert.deepEqual(other.issues, []);
});

test('aliases map tool names to models; a chain or a non-string is an error at its place', () => {
  const ok = parseConfig(`${MINIMAL}aliases:\n  gpt-4o: m\n  claude-sonnet: m\n`, 'c.yaml', {});
  assert.deepEqual(ok.config?.aliases, { 'gpt-4o': 'm', 'claude-sonnet': 'm' });
  const errs = errors(`${MINIMAL}aliases:\n  a: b\n  b: m\n  c: [x]\n`);
  assert.deepEqual(errs, [
    'c.yaml:6:6: aliases.a names "b", itself an alias: name the model',
    'c.yaml:8:6: aliases.c must name a model (a non-empty string)',
  ]);
});

test('a pool may name another pool as its fallback and a deadline; an unknown or own name is an error there', () => {
  const two = `pools:\n  - name: a\n    fallback: b\n    deadline: 90s\n    replicas: [{ url: http://10.0.0.1:8000 }]\n  - name: b\n    replicas: [{ url: http://10.0.0.2:8000 }]\n`;
  const ok = parseConfig(two, 'c.yaml', {});
  assert.equal(ok.config?.pools[0]?.fallback, 'b');
  assert.equal(ok.config?.pools[0]?.deadline, 90_000);
  assert.equal(ok.config?.pools[1]?.deadline, 600_000);
  assert.deepEqual(errors(two.replace('fallback: b', 'fallback: c')), [
    'c.yaml:3:15: fallback "c" is no pool of this file; pools: a, b',
  ]);
  assert.deepEqual(errors(two.replace('fallback: b', 'fallback: a')), [
    'c.yaml:3:15: pool "a" cannot be its own fallback',
  ]);
});
