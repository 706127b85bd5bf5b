// Streaming fidelity: 50 concurrent streams arrive byte-identical, chunk boundaries and all; the per-event delay the
// sidecar adds is measured and printed (not asserted: speed belongs to benchmarks).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { memoryLogger, testConfig, testPool } from './testConfig';

const EVENTS = 40;

/** The exact bytes the backend sends for a seed, as separate writes (some events split, some glued). */
function writesFor(seed: number): string[] {
  const writes: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const content = `s${seed}-t${i}-${'é✓'.repeat((seed + i) % 5)}`;
    const event = `data: {"id":"chatcmpl-${seed}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}],"sent":SENT}\n\n`;
    if ((seed + i) % 7 === 0) {
      const cut = Math.floor(event.length / 2);
      writes.push(event.slice(0, cut), event.slice(cut));
    } else writes.push(event);
  }
  writes.push('data: [DONE]\n\n');
  return writes;
}

let backend: Server;
let backendUrl: string;
let sidecar: RunningSidecar;
const agent = new Agent({ connections: 100 });

before(async () => {
  backend = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.url === '/v1/models') {
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'm' }] }));
      return;
    }
    if (req.url === '/health' || req.url === '/metrics') {
      res.end('');
      return;
    }
    const seed = Number(JSON.parse(body).user);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    for (const write of writesFor(seed)) {
      // Timestamps in the shared process clock, fixed width so the byte length does not depend on them.
      res.write(write.replace('SENT', (performance.timeOrigin + performance.now()).toFixed(3).padStart(20, ' ')));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    res.end();
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  backendUrl = url;
  sidecar = await startSidecar({
    config: testConfig([
      testPool('p', [{ url, name: 'only' }], {
        models: ['m'],
        healthCheck: { enabled: false, path: '/health', interval: 1000, timeout: 1000, rise: 1, fall: 1 },
      }),
    ]),
    logger: memoryLogger().logger,
    env: {},
  });
});

after(async () => {
  await sidecar.close(500);
  await new Promise<void>((resolve) => backend.close(() => resolve()));
  await agent.close();
});

async function runStreams(base: string): Promise<{ delays: number[]; results: { seed: number; bytes: Buffer }[] }> {
  const delays: number[] = [];
  const results = await Promise.all(
    Array.from({ length: 50 }, async (_, seed) => {
      const response = await request(`${base}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', stream: true, user: String(seed) }),
      });
      assert.equal(response.statusCode, 200);
      const chunks: Buffer[] = [];
      let pending = '';
      for await (const chunk of response.body) {
        const now = performance.timeOrigin + performance.now();
        chunks.push(chunk);
        pending += chunk.toString('latin1');
        for (const match of pending.matchAll(/"sent": *(\d+\.\d+)\}\n\n/g)) delays.push(now - Number(match[1]));
        const lastEnd = pending.lastIndexOf('\n\n');
        if (lastEnd >= 0) pending = pending.slice(lastEnd + 2);
      }
      return { seed, bytes: Buffer.concat(chunks) };
    }),
  );
  delays.sort((a, b) => a - b);
  return { delays, results };
}

function summary(delays: number[]): string {
  const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!.toFixed(2);
  return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms (${delays.length} events)`;
}

test('50 concurrent streams arrive byte-identical; per-event forwarding delay is printed', async () => {
  const direct = await runStreams(backendUrl);
  const proxied = await runStreams(sidecar.url);
  for (const { seed, bytes } of proxied.results) {
    const expected = writesFor(seed).join('');
    const text = bytes.toString('utf8').replace(/"sent": *\d+\.\d+/g, '"sent":SENT');
    assert.equal(text, expected, `stream ${seed} is byte-identical`);
  }
  console.log(`per-event delay, backend write -> client read, 50 concurrent streams, one process:`);
  console.log(`  direct:        ${summary(direct.delays)}`);
  console.log(`  via sidecar:   ${summary(proxied.delays)}`);
  assert.equal(proxied.delays.length, 50 * EVENTS);
  assert.equal(sidecar.inflight(), 0);
  const replica = sidecar.state().pools[0]!.replicas[0]!;
  assert.equal(replica.requests, 50);
  assert.ok(replica.ttftMs !== null && replica.itlMs !== null, 'TTFT and gaps were measured');
  assert.equal(
    replica.bytesReceived,
    proxied.results.reduce((sum, r) => sum + r.bytes.length, 0),
  );
});
