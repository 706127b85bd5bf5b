import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_TOKEN_ENV, adminTokenInForce } from '../../../core/config/adminToken';
import { parseConfig } from '../../../core/config/load';
import { resolveAdminToken } from '../../../extension/clientToken';

const CONFIG = `admin: { token: "\${env:FILE_TOKEN}" }\npools:\n  - name: p\n    replicas: [{ url: http://10.0.0.1:8000 }]\n`;

test('admin token order: VLLM_POOLS_ADMIN_TOKEN, then the config, else none; empty values do not count', () => {
  assert.equal(adminTokenInForce('file', { [ADMIN_TOKEN_ENV]: 'env' }), 'env');
  assert.equal(adminTokenInForce('file', {}), 'file');
  assert.equal(adminTokenInForce('file', { [ADMIN_TOKEN_ENV]: '' }), 'file');
  assert.equal(adminTokenInForce(undefined, {}), undefined);
  assert.equal(adminTokenInForce('', {}), undefined);
});

test('the config loader and the extension give the same token for the same file and environment', () => {
  const without = CONFIG.slice(CONFIG.indexOf('pools:'));
  const cases: [string, NodeJS.ProcessEnv, string | undefined][] = [
    [without, {}, undefined],
    [without, { [ADMIN_TOKEN_ENV]: 'from-env' }, 'from-env'],
    [CONFIG, { FILE_TOKEN: 'from-file' }, 'from-file'],
    [CONFIG, { FILE_TOKEN: 'from-file', [ADMIN_TOKEN_ENV]: 'from-env' }, 'from-env'],
  ];
  for (const [text, env, expected] of cases) {
    const loaded = parseConfig(text, 'c.yaml', env).config;
    assert.ok(loaded, 'the config loads');
    assert.equal(loaded.admin.token, expected);
    assert.equal(resolveAdminToken(text, env), expected);
  }
});
