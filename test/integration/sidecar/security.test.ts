// Security defaults: Host (DNS rebinding), Origin (browser tabs), the client token.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type FakeReplica, startFakeReplica } from './fakeReplica';
import { memoryLogger, testConfig, testPool } from './testConfig';

/** Raw node:http so the Host header can be set to anything. */
function send(
  url: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path, method: body ? 'POST' : 'GET', headers, agent: false },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const chat = JSON.stringify({ model: 'test-model', messages: [] });
const json = { 'content-type': 'application/json' };

describe('security defaults', () => {
  let replica: FakeReplica;
  let sidecar: RunningSidecar;
  const log = memoryLogger();
  before(async () => {
    replica = await startFakeReplica({ name: 'a' });
    sidecar = await startSidecar({
      config: testConfig([testPool('p', [{ url: replica.url, name: 'a' }])], {
        allowedOrigins: ['https://allowed.example'],
        clientToken: 'client-token-8c1f',
      }),
      logger: log.logger,
      env: {},
    });
  });
  after(async () => {
    await sidecar.close(500);
    await replica.close();
  });
  const ok = { ...json, authorization: 'Bearer client-token-8c1f' };

  test('loopback Host names pass; another Host gets 403', async () => {
    const port = new URL(sidecar.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      assert.equal((await send(sidecar.url, '/v1/chat/completions', { ...ok, host }, chat)).status, 200, host);
    }
    const rebinding = await send(sidecar.url, '/v1/chat/completions', { ...ok, host: `evil.example:${port}` }, chat);
    assert.equal(rebinding.status, 403);
    assert.equal(JSON.parse(rebinding.text).error.code, 403);
    assert.equal((await send(sidecar.url, '/admin/state', { host: 'evil.example' })).status, 403);
  });

  test('an Origin header gets 403 unless allowed', async () => {
    const denied = await send(sidecar.url, '/v1/chat/completions', { ...ok, origin: 'https://evil.example' }, chat);
    assert.equal(denied.status, 403);
    const allowed = await send(sidecar.url, '/v1/chat/completions', { ...ok, origin: 'https://allowed.example' }, chat);
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://allowed.example');
  });

  test('with clientToken, /v1 needs the token (and it is not sent to the replica as such when a key is set)', async () => {
    assert.equal((await send(sidecar.url, '/v1/chat/completions', json, chat)).status, 401);
    assert.equal(
      (await send(sidecar.url, '/v1/chat/completions', { ...json, authorization: 'Bearer nope' }, chat)).status,
      401,
    );
    assert.equal((await send(sidecar.url, '/chat/completions', json, chat)).status, 401, 'also without /v1');
    assert.equal((await send(sidecar.url, '/v1/models', {})).status, 401);
    assert.equal((await send(sidecar.url, '/v1/chat/completions', ok, chat)).status, 200);
    assert.equal((await send(sidecar.url, '/healthz', {})).status, 200, '/healthz needs no token');
    assert.ok(!log.lines.some((line) => line.includes('client-token-8c1f')));
  });
});

describe('TLS listener (config tls: cert, key)', () => {
  test('serves HTTPS when tls is configured', async (t) => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Agent, request } = await import('undici');
    const dir = mkdtempSync(join(tmpdir(), 'vllm-pools-tls-'));
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1'].concat([
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ]),
        { stdio: 'ignore' },
      );
    } catch {
      rmSync(dir, { recursive: true, force: true });
      t.skip('openssl not available');
      return;
    }
    const replica = await startFakeReplica({ name: 'a' });
    const sidecar = await startSidecar({
      config: testConfig([testPool('p', [{ url: replica.url, name: 'a' }])], {
        tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') },
      }),
      logger: memoryLogger().logger,
      env: {},
    });
    const agent = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      assert.match(sidecar.url, /^https:\/\//);
      const res = await request(`${sidecar.url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: chat,
      });
      assert.equal(res.statusCode, 200);
      await res.body.text();
    } finally {
      await agent.close();
      await sidecar.close(500);
      await replica.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('non-loopback listen address', () => {
  test('refuses to start without clientToken', async () => {
    const replica = await startFakeReplica({ name: 'a' });
    try {
      await assert.rejects(
        startSidecar({
          config: testConfig([testPool('p', [{ url: replica.url, name: 'a' }])]),
          host: '0.0.0.0',
          port: 0,
          logger: memoryLogger().logger,
          env: {},
        }),
        /clientToken/,
      );
    } finally {
      await replica.close();
    }
  });
});
