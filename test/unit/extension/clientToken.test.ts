// The client token of the extension's own requests follows the config's clientToken, resolved like the sidecar does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secretEnvName } from '../../../core/config/references';
import {
  ADMIN_TOKEN_ENV,
  CLIENT_TOKEN_ENV,
  clientTokenField,
  resolveAdminToken,
  resolveClientToken,
} from '../../../extension/clientToken';

const config = (clientToken: string) => `listen: { host: 127.0.0.1, port: 8800 }
clientToken: ${clientToken}   # who may call the endpoint
pools:
  - name: p
    replicas: [{ url: http://10.0.0.1:8000 }]
`;

test('${secret:NAME}: the value SecretStorage gives the sidecar (VLLM_POOLS_SECRET_<NAME>), not the host env var', () => {
  const text = config('${secret:team-token}');
  const env = { [secretEnvName('team-token')]: 's3cret', [CLIENT_TOKEN_ENV]: 'stale' };
  assert.equal(resolveClientToken(text, env), 's3cret');
  assert.equal(resolveClientToken(text, { [CLIENT_TOKEN_ENV]: 'stale' }), undefined, 'secret not stored yet');
});

test('${env:NAME}: that variable of the environment', () => {
  const text = config('${env:MY_TEAM_TOKEN}');
  assert.equal(resolveClientToken(text, { MY_TEAM_TOKEN: 'from-env' }), 'from-env');
  assert.equal(resolveClientToken(text, { MY_TEAM_TOKEN: '' }), undefined, 'empty counts as unset, as in the sidecar');
});

test('a literal is sent as written; a malformed reference sends nothing', () => {
  assert.equal(resolveClientToken(config('"literal-token"'), {}), 'literal-token');
  assert.equal(resolveClientToken(config('"${secret:}"'), { [CLIENT_TOKEN_ENV]: 'x' }), undefined);
});

test('no clientToken, or no readable config: VLLM_POOLS_CLIENT_TOKEN as before', () => {
  const without = 'pools:\n  - name: p\n    replicas: [{ url: http://10.0.0.1:8000 }]\n';
  assert.equal(clientTokenField(without), undefined);
  assert.equal(resolveClientToken(without, { [CLIENT_TOKEN_ENV]: 'env-token' }), 'env-token');
  assert.equal(resolveClientToken(undefined, { [CLIENT_TOKEN_ENV]: 'env-token' }), 'env-token');
  assert.equal(resolveClientToken('pools: [unclosed', {}), undefined);
  assert.equal(resolveClientToken(without, {}), undefined);
});

test('admin token: VLLM_POOLS_ADMIN_TOKEN first, then admin.token resolved, else none (a random one per start)', () => {
  const text = (token: string) =>
    `admin:\n  token: ${token}\npools:\n  - name: p\n    replicas: [{ url: http://10.0.0.1:8000 }]\n`;
  assert.equal(resolveAdminToken(text('"my-admin-token"'), {}), 'my-admin-token');
  assert.equal(resolveAdminToken(text('"my-admin-token"'), { [ADMIN_TOKEN_ENV]: 'env-admin' }), 'env-admin');
  assert.equal(resolveAdminToken(text('${secret:adm}'), { [secretEnvName('adm')]: 'from-secret' }), 'from-secret');
  assert.equal(resolveAdminToken(text('${env:ADM}'), { ADM: '' }), undefined, 'an unset reference: random token');
  assert.equal(resolveAdminToken(config('"client-only"'), {}), undefined, 'clientToken is not the admin token');
  assert.equal(resolveAdminToken(undefined, {}), undefined);
});
