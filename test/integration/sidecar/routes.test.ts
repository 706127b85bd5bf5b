// The route table on real HTTP: vLLM's root endpoints keep their paths, /pools/{pool}/ picks the pool, a body without
// `model` picks its pool by header, the client token is accepted as Bearer or x-api-key, and the access log has one
// line per finished request with no token in it.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { memoryLogger, testConfig, testPool } from './testConfig';

interface Backend {
  url: string;
  seen: string[];
  server: Server;
}

async function startBackend(model: string): Promise<Backend> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body =
        req.url === '/v1/models' ? JSON.stringify({ object: 'list', data: [{ id: model, object: 'model' }] }) : '{}';
      // Health checks and engine-metrics scrapes are the sidecar's own traffic, not the routed requests.
      if (req.url !== '/v1/models' && req.url !== '/health' && req.url !== '/metrics')
        seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let alpha: Backend;
let beta: Backend;
let sidecar: RunningSidecar;
let log: ReturnType<typeof memoryLogger>;
const TOKEN = 'client-sekret-123';

before(async () => {
  alpha = await startBackend('ma');
  beta = await startBackend('mb');
  log = memoryLogger();
  sidecar = await startSidecar({
    config: testConfig(
      [
        testPool('alpha', [{ url: alpha.url, name: 'a0' }], { models: ['ma'] }),
        testPool('beta', [{ url: beta.url, name: 'b0' }], { models: ['mb'] }),
      ],
      { clientToken: TOKEN },
    ),
    logger: log.logger,
    env: {},
  });
});

after(async () => {
  await sidecar.close(500);
  for (const backend of [alpha, beta]) await new Promise<void>((resolve) => backend.server.close(() => resolve()));
});

async function call(
  path: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<{ status: number; text: string; pool: string | null }> {
  const response = await fetch(`${sidecar.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text(), pool: response.headers.get('x-vllm-pools-pool') };
}

test("vLLM's root endpoints pass at their own paths; other paths go under /v1", async () => {
  for (const path of [
    '/tokenize',
    '/detokenize',
    '/pooling',
    '/classify',
    '/score',
    '/rerank',
    '/v1/rerank',
    '/v2/rerank',
  ]) {
    const result = await call(path, { model: 'mb', prompt: 'x' });
    assert.equal(result.status, 200, path);
    assert.equal(beta.seen.at(-1), `POST ${path}`);
  }
  await call('/chat/completions', { model: 'ma', messages: [] });
  assert.equal(alpha.seen.at(-1), 'POST /v1/chat/completions');
  await call('/v1/completions?x=1', { model: 'ma', prompt: 'p' });
  assert.equal(alpha.seen.at(-1), 'POST /v1/completions?x=1');
});

test('a route under /pools/{pool}/ is the same route in that pool', async () => {
  const chat = await call('/pools/beta/v1/chat/completions', { messages: [] });
  assert.equal(chat.status, 200);
  assert.equal(chat.pool, 'beta');
  assert.equal(beta.seen.at(-1), 'POST /v1/chat/completions');
  await call('/pools/beta/tokenize', { prompt: 'x' });
  assert.equal(beta.seen.at(-1), 'POST /tokenize');
  const models = JSON.parse((await call('/pools/beta/v1/models', undefined)).text) as { data: { id: string }[] };
  assert.deepEqual(
    models.data.map((card) => card.id),
    ['mb'],
  );
  const unknown = await call('/pools/gamma/v1/chat/completions', { messages: [] });
  assert.equal(unknown.status, 404);
  assert.match(unknown.text, /gamma.*Pools: alpha, beta/);
});

test('a model the pool does not serve, under /pools/{pool}/, is a 404 naming its models (not a 503 outage)', async () => {
  const before = beta.seen.length;
  for (const model of ['ma', ' ', 'nope']) {
    const result = await call('/pools/beta/v1/chat/completions', { model, messages: [] });
    assert.equal(result.status, 404, model);
    assert.match(result.text, /does not exist in pool \\"beta\\"\. Its models: mb/);
  }
  assert.equal((await call('/pools/beta/v1/chat/completions', { model: 'mb', messages: [] })).status, 200);
  assert.equal(beta.seen.length, before + 1, 'only the served model reached the replica');
});

test('a body without model picks its pool by x-vllm-pools-pool, else the default pool', async () => {
  const auth = { authorization: `Bearer ${TOKEN}` };
  assert.equal((await call('/v1/embeddings', { input: 'x' }, { ...auth, 'x-vllm-pools-pool': 'beta' })).pool, 'beta');
  assert.equal((await call('/v1/embeddings', { input: 'x' })).pool, 'alpha');
  const unknown = await call('/v1/embeddings', { input: 'x' }, { ...auth, 'x-vllm-pools-pool': 'nope' });
  assert.equal(unknown.status, 404);
  assert.match(JSON.parse(unknown.text).error.message, /nope.*alpha, beta/);
});

test('the client token is accepted as Bearer or x-api-key, nothing else', async () => {
  const body = { model: 'ma', messages: [] };
  assert.equal((await call('/v1/chat/completions', body, {})).status, 401);
  assert.equal((await call('/v1/chat/completions', body, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await call('/v1/chat/completions', body, { 'x-api-key': 'wrong' })).status, 401);
  assert.equal((await call('/v1/chat/completions', body, { 'x-api-key': TOKEN })).status, 200);
  assert.equal((await call('/v1/chat/completions', body)).status, 200);
});

test('one access line per finished request, refusals included, without the query string or a token', async () => {
  const before = log.lines.length;
  await call(`/v1/completions?key=${TOKEN}`, { model: 'ma', prompt: 'p' });
  await call('/v1/completions', { model: 'unknown-model', prompt: 'p' });
  const lines = log.lines.slice(before).filter((line) => line.includes(' INFO  POST '));
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0]!, /POST \/v1\/completions 200 pool=alpha replica=a0 ttft=\d+ms tokens=0 \d+ms$/);
  assert.match(lines[1]!, /POST \/v1\/completions 404 pool=- replica=- ttft=- tokens=0 \d+ms error=unknown-model$/);
  assert.ok(log.lines.every((line) => !line.includes(TOKEN)));
});

test('the access log can be switched off', async () => {
  const quiet = memoryLogger();
  const other = await startSidecar({
    config: testConfig([testPool('alpha', [{ url: alpha.url, name: 'a0' }], { models: ['ma'] })]),
    logger: quiet.logger,
    env: {},
    accessLog: false,
  });
  try {
    const response = await fetch(`${other.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'ma', prompt: 'p' }),
    });
    await response.text();
    assert.equal(response.status, 200);
    assert.ok(quiet.lines.every((line) => !line.includes('POST /v1/completions')));
  } finally {
    await other.close(500);
  }
});
