// The request path against fake replicas: routing headers, streaming, errors of every status, retries, failover,
// abort propagation, key handling.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type FakeReplica, startFakeReplica } from './fakeReplica';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

const agent = new Agent({ keepAliveTimeout: 1000 });
after(() => agent.close());

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text };
}

describe('proxy basics', () => {
  let replicas: FakeReplica[];
  let sidecar: RunningSidecar;
  const log = memoryLogger();

  before(async () => {
    replicas = await Promise.all([
      startFakeReplica({ name: 'a', apiKey: 'sk-secret-a-123' }),
      startFakeReplica({ name: 'b', apiKey: 'sk-secret-b-456' }),
    ]);
    const config = testConfig([
      testPool(
        'main',
        replicas.map((r) => ({ url: r.url, name: r.name, apiKey: r.apiKey })),
      ),
    ]);
    sidecar = await startSidecar({ config, logger: log.logger, env: {} });
  });
  after(async () => {
    await sidecar.close(500);
    await Promise.all(replicas.map((r) => r.close()));
  });

  test('non-streaming request goes through with routing headers and the replica key', async () => {
    const res = await post(
      `${sidecar.url}/v1/chat/completions`,
      { model: 'test-model', messages: [] },
      {
        authorization: 'Bearer client-value',
      },
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-vllm-pools-pool'], 'main');
    const replica = replicas.find((r) => r.name === res.headers['x-vllm-pools-replica']);
    assert.ok(replica, 'a known replica served it');
    assert.equal(replica.lastAuthorization, `Bearer ${replica.apiKey}`);
    assert.equal(JSON.parse(res.text).usage.completion_tokens, 5);
  });

  test('paths without /v1 work the same', async () => {
    const res = await post(`${sidecar.url}/chat/completions`, { model: 'test-model', messages: [] });
    assert.equal(res.status, 200);
  });

  test('streaming passes events through unchanged', async () => {
    const res = await post(`${sidecar.url}/v1/chat/completions`, { model: 'test-model', stream: true, messages: [] });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /text\/event-stream/);
    assert.ok(res.text.endsWith('data: [DONE]\n\n'));
    assert.equal(res.text.split('tok').length - 1, 5);
  });

  test('GET /v1/models lists the learned models', async () => {
    const response = await request(`${sidecar.url}/v1/models`, { dispatcher: agent });
    const body = (await response.body.json()) as { data: { id: string }[] };
    assert.deepEqual(
      body.data.map((card) => card.id),
      ['test-model'],
    );
  });

  test('unknown model gives 404 naming the known ones', async () => {
    const res = await post(`${sidecar.url}/v1/chat/completions`, { model: 'nope', messages: [] });
    assert.equal(res.status, 404);
    const body = JSON.parse(res.text);
    assert.match(body.error.message, /test-model/);
    assert.equal(body.error.code, 404);
  });

  test('malformed JSON gives 400 in the OpenAI shape', async () => {
    const res = await post(`${sidecar.url}/v1/chat/completions`, '{"model": ');
    assert.equal(res.status, 400);
    const body = JSON.parse(res.text);
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
  });

  test('a body over the limit gives 413', async () => {
    const res = await post(`${sidecar.url}/v1/chat/completions`, {
      model: 'test-model',
      prompt: 'x'.repeat(1024 * 1024 + 10),
    });
    assert.equal(res.status, 413);
  });

  test('keys never appear in logs, state or metrics', async () => {
    const state = JSON.stringify(sidecar.state());
    const metrics = sidecar.metrics();
    for (const replica of replicas) {
      assert.ok(!state.includes(replica.apiKey!), 'state has no key');
      assert.ok(!metrics.includes(replica.apiKey!), 'metrics have no key');
      assert.ok(!log.lines.some((line) => line.includes(replica.apiKey!)), 'logs have no key');
    }
  });
});

describe('failover and errors', () => {
  let replicas: FakeReplica[];
  let sidecar: RunningSidecar;

  before(async () => {
    replicas = await Promise.all([startFakeReplica({ name: 'a' }), startFakeReplica({ name: 'b' })]);
    const config = testConfig([
      testPool(
        'main',
        replicas.map((r) => ({ url: r.url, name: r.name })),
        {
          algorithm: 'round-robin',
          healthCheck: { enabled: false, path: '/health', interval: 1000, timeout: 500, rise: 1, fall: 1 },
          maxFails: 0,
          timeouts: { connect: 500, firstByte: 300, idle: 2000 },
        },
      ),
    ]);
    sidecar = await startSidecar({ config, logger: memoryLogger().logger, env: {} });
  });
  after(async () => {
    await sidecar.close(500);
    await Promise.all(replicas.map((r) => r.close()));
  });
  const reset = () => {
    for (const r of replicas) r.mode = { kind: 'ok' };
  };

  test('503 from one replica is retried on the other', async () => {
    replicas[0]!.mode = { kind: 'status', status: 503 };
    for (let i = 0; i < 4; i++) {
      const res = await post(`${sidecar.url}/v1/chat/completions`, { model: 'test-model', messages: [] });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-vllm-pools-replica'], 'b');
    }
    reset();
  });

  test('a replica hanging before the head is abandoned after the first-byte timeout', async () => {
    replicas[1]!.mode = { kind: 'hang' };
    for (let i = 0; i < 2; i++) {
      const res = await post(`${sidecar.url}/v1/chat/completions`, { model: 'test-model', messages: [] });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-vllm-pools-replica'], 'a');
    }
    reset();
  });

  test('all replicas failing gives 502, all hanging gives 504', async () => {
    for (const r of replicas) r.mode = { kind: 'status', status: 502 };
    let res = await post(`${sidecar.url}/v1/chat/completions`, { model: 'test-model', messages: [] });
    assert.equal(res.status, 502, 'the last upstream 502 is passed on');
    for (const r of replicas) r.mode = { kind: 'hang' };
    res = await post(`${sidecar.url}/v1/chat/completions`, { model: 'test-model', messages: [] });
    assert.equal(res.status, 504);
    assert.equal(res.headers['x-vllm-pools-attempts'], '2');
    assert.equal(JSON.parse(res.text).error.code, 504);
    reset();
  });

  test('a reset mid-stream ends the stream with an error event and [DONE]', async () => {
    for (const r of replicas) r.mode = { kind: 'reset-mid-stream', afterChunks: 2 };
    const res = await post(`${sidecar.url}/v1/chat/completions`, { model: 'test-model', stream: true, messages: [] });
    assert.equal(res.status, 200);
    assert.match(
      res.text,
      /data: \{"error":\{"message":"[^"]*","type":"upstream_error","param":null,"code":502\}\}\n\ndata: \[DONE\]\n\n$/,
    );
    reset();
  });

  test('a client that disconnects aborts the upstream request', async () => {
    for (const r of replicas) r.tokenDelayMs = 50;
    const before = replicas.reduce((sum, r) => sum + r.aborted, 0);
    const controller = new AbortController();
    const response = await request(`${sidecar.url}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-model', stream: true, messages: [] }),
      signal: controller.signal,
    });
    assert.equal(response.statusCode, 200);
    controller.abort();
    await response.body.text().catch(() => undefined);
    await waitFor(() => replicas.reduce((sum, r) => sum + r.aborted, 0) > before, 3000, 'the replica to see the close');
    await waitFor(() => sidecar.inflight() === 0, 3000, 'in-flight back to zero');
    for (const r of replicas) r.tokenDelayMs = 1;
  });

  test('in-flight counts return to zero', () => {
    assert.equal(sidecar.inflight(), 0);
    for (const pool of sidecar.state().pools) for (const r of pool.replicas) assert.equal(r.inflight, 0);
  });
});
