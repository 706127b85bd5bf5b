// "Test connection" against real HTTP servers on 127.0.0.1: the models list, the key sent as a Bearer token and
// never echoed, HTTP errors, a refused connection, and a replica that never answers (bounded by the timeout).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { modelsUrl, testReplicaConnection } from '../../../extension/configEditor/connectionTest';

describe('testReplicaConnection', () => {
  let server: Server;
  let base: string;
  const seen: IncomingMessage[] = [];

  before(async () => {
    server = createServer((request, response) => {
      seen.push(request);
      if (request.url === '/hang/v1/models') return; // never answers
      if (request.url === '/locked/v1/models' && request.headers.authorization !== 'Bearer sk-right') {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      if (request.url?.endsWith('/v1/models')) {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ object: 'list', data: [{ id: 'm-1' }, { id: 'm-2' }] }));
        return;
      }
      response.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  });

  it('lists the models of a replica', async () => {
    const result = await testReplicaConnection(base, { now: () => 0 });
    assert.deepEqual(result, { ok: true, message: '2 models in 0 ms: m-1, m-2', models: ['m-1', 'm-2'] });
  });

  it('sends the key as a Bearer token and never puts it in the answer', async () => {
    const wrong = await testReplicaConnection(`${base}/locked`, { apiKey: 'sk-wrong' });
    assert.equal(wrong.ok, false);
    assert.match(wrong.message, /HTTP 401.*API key/);
    assert.ok(!wrong.message.includes('sk-wrong'));
    const right = await testReplicaConnection(`${base}/locked/`, { apiKey: 'sk-right' });
    assert.equal(right.ok, true);
    assert.equal(seen.at(-1)?.headers.authorization, 'Bearer sk-right');
  });

  it('reports a refused connection by its code', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const result = await testReplicaConnection(`http://127.0.0.1:${port}`);
    assert.deepEqual(result, { ok: false, message: 'cannot connect: ECONNREFUSED', models: [] });
  });

  it('gives up on a replica that never answers after the timeout', async () => {
    const result = await testReplicaConnection(`${base}/hang`, { timeoutMs: 200 });
    assert.deepEqual(result, { ok: false, message: 'no answer within 200 ms', models: [] });
  });

  it('rejects what is not an http(s) URL', async () => {
    assert.equal((await testReplicaConnection('not a url')).ok, false);
    assert.match((await testReplicaConnection('file:///etc/passwd')).message, /http/);
  });

  it('builds the models URL with or without a /v1 suffix', () => {
    assert.equal(modelsUrl('http://h:8000').href, 'http://h:8000/v1/models');
    assert.equal(modelsUrl('http://h:8000/v1/').href, 'http://h:8000/v1/models');
    assert.equal(modelsUrl('https://h/gpu-a').href, 'https://h/gpu-a/v1/models');
  });
});
