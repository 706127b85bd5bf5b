// Memory for statistics stays flat: 20,000 requests through a sidecar (streaming and not), heap measured after GC.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request } from 'undici';
import { createLogger } from '../../../sidecar/log';
import { startSidecar } from '../../../sidecar/sidecar';
import { testConfig, testPool } from './testConfig';

const ROUNDS = 20_000;

test('heap stays flat over 20,000 requests through the sidecar', { timeout: 300_000 }, async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const json =
    '{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}],"usage":{"completion_tokens":1}}';
  const sse =
    'data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\ndata: {"choices":[{"index":0,"delta":{"content":"b"}}]}\n\ndata: [DONE]\n\n';
  const backend = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const stream = body.includes('"stream":true');
      res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
      res.end(stream ? sse : json);
    });
  });
  await new Promise<void>((done) => backend.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const sidecar = await startSidecar({
    config: testConfig([
      testPool(
        'p',
        [
          { url, name: 'a' },
          { url, name: 'b' },
        ].map((r, i) => ({ ...r, url: `${r.url}/?r=${i}` })),
        {
          models: ['m'],
        },
      ),
    ]),
    // Debug level, so the per-request log line is built too, then dropped (a memory logger would grow by design).
    logger: createLogger({ level: 'debug', write: () => undefined }),
    env: {},
  });
  const agent = new Agent({ connections: 16 });
  let seen = 0;
  const off = sidecar.onRequest(() => {
    seen += 1;
  });
  const run = async (count: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < count) {
          const i = next++;
          const res = await request(`${sidecar.url}/v1/chat/completions`, {
            method: 'POST',
            dispatcher: agent,
            headers: { 'content-type': 'application/json', 'x-session-id': `s${i}` },
            body: JSON.stringify({
              model: 'm',
              stream: i % 2 === 0,
              user: `u${i}`,
              messages: [{ role: 'user', content: `q${i}` }],
            }),
          });
          await res.body.text();
          assert.equal(res.statusCode, 200);
        }
      }),
    );
  };
  try {
    await run(2000);
    gc();
    const before = process.memoryUsage().heapUsed;
    const started = Date.now();
    await run(ROUNDS);
    gc();
    const after = process.memoryUsage().heapUsed;
    console.log(
      `20,000 requests in ${Date.now() - started} ms; heap ${(before / 1048576).toFixed(1)} MiB -> ${(after / 1048576).toFixed(1)} MiB`,
    );
    assert.equal(seen, 22_000);
    assert.equal(sidecar.inflight(), 0);
    assert.equal(sidecar.state().streams.length, 0);
    assert.ok(after - before < 4 * 1024 * 1024, `heap grew by ${after - before} bytes`);
  } finally {
    off();
    await agent.close();
    await sidecar.close(500);
    await new Promise<void>((done) => backend.close(() => done()));
  }
});
