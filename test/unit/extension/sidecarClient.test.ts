import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { StateSnapshot } from '../../../core/protocol';
import { Backoff } from '../../../extension/backoff';
import { fetchModelIds } from '../../../extension/replicaProbe';
import { AdminApiError, SidecarClient, watchAdminEvents } from '../../../extension/sidecarClient';
import { snapshot } from './fixtures';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function serve(handler: Handler): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('Backoff doubles up to its cap and starts over after reset', () => {
  const backoff = new Backoff(100, 1000);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map(() => backoff.next()),
    [100, 200, 400, 800, 1000],
  );
  assert.equal(backoff.failures, 5);
  backoff.reset();
  assert.equal(backoff.next(), 100);
});

test('SidecarClient sends the bearer token and the documented bodies', async () => {
  const seen: string[] = [];
  const { server, baseUrl } = await serve((req, res, body) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization} ${body}`);
    if (req.url === '/admin/state') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(snapshot()));
    } else if (req.url === '/admin/algorithm' && !body.includes('least')) {
      res.statusCode = 400;
      res.end(JSON.stringify({ error: { message: 'unknown algorithm "x"', type: 'invalid_request_error' } }));
    } else if (req.url === '/admin/reload') {
      res.statusCode = 400;
      res.end(JSON.stringify({ ok: false, errors: ['vllm-pools.yaml:3:5: unknown key "foo"'] }));
    } else {
      res.statusCode = 204;
      res.end();
    }
  });
  try {
    const client = new SidecarClient({ baseUrl, token: 't0k' });
    assert.equal((await client.state()).pools[0]!.name, 'llama-8b');
    await client.setAlgorithm('least-connections', 'llama-8b');
    await client.drain('llama-8b', 'gpu a');
    await client.enable('llama-8b', 'gpu-b');
    await assert.rejects(client.setAlgorithm('x' as 'round-robin'), (error: unknown) => {
      assert.ok(error instanceof AdminApiError);
      assert.equal(error.status, 400);
      assert.match(error.message, /unknown algorithm "x"/);
      return true;
    });
    assert.deepEqual(await client.reload(), { ok: false, errors: ['vllm-pools.yaml:3:5: unknown key "foo"'] });
    assert.deepEqual(seen.slice(0, 4), [
      'GET /admin/state Bearer t0k ',
      'PUT /admin/algorithm Bearer t0k {"algorithm":"least-connections","pool":"llama-8b"}',
      'POST /admin/replicas/llama-8b/gpu%20a/drain Bearer t0k ',
      'POST /admin/replicas/llama-8b/gpu-b/enable Bearer t0k ',
    ]);
  } finally {
    await close(server);
  }
});

test('SidecarClient reports an unreachable sidecar with status 0', async () => {
  const { server, baseUrl } = await serve((_req, res) => res.end());
  await close(server);
  await assert.rejects(new SidecarClient({ baseUrl }).state(), (error: unknown) => {
    assert.ok(error instanceof AdminApiError);
    assert.equal(error.status, 0);
    return true;
  });
});

test('watchAdminEvents parses state and request events and reconnects after the stream drops', async () => {
  let connections = 0;
  const { server, baseUrl } = await serve((req, res) => {
    assert.equal(req.headers.authorization, 'Bearer secret');
    connections++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const state = { ...snapshot(), algorithm: connections === 1 ? 'round-robin' : 'prefix-aware' };
    const json = JSON.stringify(state);
    // The first state event arrives split in two writes, mid-JSON.
    res.write(`: keep-alive\n\nevent: state\ndata: ${json.slice(0, 40)}`);
    setImmediate(() => {
      res.write(`${json.slice(40)}\n\n`);
      res.write('event: request\ndata: {"id":"r1","status":200}\n\n');
      if (connections === 1) res.end(); // drop: the client must come back
    });
  });
  const states: StateSnapshot[] = [];
  const requests: string[] = [];
  const disconnects: number[] = [];
  const stream = watchAdminEvents(
    { baseUrl, token: 'secret' },
    {
      onState: (s) => states.push(s),
      onRequest: (e) => requests.push(e.id),
      onDisconnected: (_reason, retryIn) => disconnects.push(retryIn),
    },
    { backoff: new Backoff(20, 100) },
  );
  try {
    await waitFor(() => states.length >= 2, 'a state event after the reconnect');
    assert.deepEqual(
      states.map((s) => s.algorithm),
      ['round-robin', 'prefix-aware'],
    );
    assert.equal(states[0]!.pools[0]!.replicas.length, 2);
    await waitFor(() => requests.length >= 2, 'request events');
    assert.deepEqual(requests.slice(0, 2), ['r1', 'r1']);
    assert.equal(connections, 2);
    assert.deepEqual(disconnects, [20]);
  } finally {
    stream.close();
    await close(server);
  }
});

test('watchAdminEvents backs off while the sidecar refuses, then connects', async () => {
  let calls = 0;
  const { server, baseUrl } = await serve((_req, res) => {
    calls++;
    if (calls < 3) {
      res.statusCode = 401;
      res.end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`event: state\ndata: ${JSON.stringify(snapshot())}\n\n`);
  });
  const delays: number[] = [];
  let connected = 0;
  const stream = watchAdminEvents(
    { baseUrl },
    {
      onState: () => {},
      onConnected: () => connected++,
      onDisconnected: (_r, d) => delays.push(d),
    },
    { backoff: new Backoff(10, 1000) },
  );
  try {
    await waitFor(() => connected === 1, 'the third attempt to connect');
    assert.deepEqual(delays, [10, 20]);
  } finally {
    stream.close();
    await close(server);
  }
});

test('fetchModelIds reads an OpenAI model list (adapters with their base), and says why a URL is not one', async () => {
  const { server, baseUrl } = await serve((req, res) => {
    if (req.url === '/v1/models' && req.headers.authorization === 'Bearer k3y') {
      const data = [{ id: 'm1', object: 'model', parent: null }, { id: 'm2' }, { id: 'sql-lora', parent: 'm1' }];
      res.end(JSON.stringify({ object: 'list', data }));
    } else if (req.url === '/v1/models') {
      res.statusCode = 401;
      res.end('{}');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  try {
    assert.deepEqual(await fetchModelIds(`${baseUrl}/`, 'k3y'), {
      models: ['m1', 'm2', 'sql-lora (LoRA adapter on m1)'],
    });
    const denied = await fetchModelIds(baseUrl);
    assert.ok('error' in denied && /API key/.test(denied.error));
  } finally {
    await close(server);
  }
  const gone = await fetchModelIds(baseUrl);
  assert.ok('error' in gone && gone.error.length > 0, JSON.stringify(gone));
});
