// The lean upstream transport (sidecar/proxy/socketTransport.ts) end to end: a sidecar started with it, replicas that
// are the simulator or raw TCP servers writing exact bytes (keep-alive, connection: close, chunk extensions and
// trailers, bodies until close, resets, garbage, silence).
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import type { PoolConfig } from '../../../core/config/types';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool } from './testConfig';

interface SeenRequest {
  method: string;
  path: string;
  headers: string;
  body: string;
  socket: net.Socket;
}

/** A replica on plain TCP: `answer` writes whatever bytes it likes for each request it reads. */
interface RawReplica {
  url: string;
  requests: SeenRequest[];
  /** Connections that carried at least one request. */
  connections: Set<net.Socket>;
  /** Requests whose socket closed before the replica ended it (the sidecar let go). */
  closedByPeer: number;
  answer: (request: SeenRequest) => void;
  close(): Promise<void>;
}

async function rawReplica(answer: (request: SeenRequest) => void): Promise<RawReplica> {
  const sockets = new Set<net.Socket>();
  const replica: RawReplica = {
    url: '',
    requests: [],
    connections: new Set(),
    closedByPeer: 0,
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buffered = Buffer.alloc(0);
    let ended = false;
    socket.on('end', () => {
      ended = true;
    });
    socket.on('close', () => {
      sockets.delete(socket);
      if (ended) replica.closedByPeer += 1;
    });
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const [method = '', path = ''] = head.split(' ');
        const seen: SeenRequest = {
          method,
          path,
          headers: head,
          body: buffered.subarray(end + 4, end + 4 + length).toString('utf8'),
          socket,
        };
        buffered = buffered.subarray(end + 4 + length);
        if (path === '/health' || path === '/metrics' || path === '/v1/models') {
          const body = path === '/v1/models' ? '{"object":"list","data":[{"id":"m","object":"model"}]}' : '';
          socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
          continue;
        }
        replica.requests.push(seen);
        replica.connections.add(socket);
        replica.answer(seen);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  replica.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return replica;
}

const JSON_ANSWER = '{"id":"x","object":"chat.completion","choices":[],"usage":{"completion_tokens":2}}';
function jsonAnswer(extraHeaders = ''): string {
  return `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${JSON_ANSWER.length}\r\n${extraHeaders}\r\n${JSON_ANSWER}`;
}

function sseChunk(event: string, extension = ''): string {
  return `${Buffer.byteLength(event).toString(16)}${extension}\r\n${event}\r\n`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sidecarFor(urls: string[], overrides: Partial<PoolConfig> = {}): Promise<RunningSidecar> {
  return startSidecar({
    config: testConfig(
      [
        testPool(
          'p',
          urls.map((url, i) => ({ url, name: `r${i}` })),
          {
            healthCheck: { enabled: false, path: '/health', interval: 60_000, timeout: 1000, rise: 1, fall: 1 },
            ...overrides,
          },
        ),
      ],
      { engineMetrics: { enabled: false, interval: 60_000 } },
    ),
    logger: memoryLogger().logger,
    env: {},
    transport: 'socket',
  });
}

const agent = new Agent({ connections: 32 });
after(() => agent.close());

async function post(
  sidecar: RunningSidecar,
  body: Record<string, unknown> = { model: 'm', messages: [] },
  signal?: AbortSignal,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const response = await request(`${sidecar.url}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

describe('lean transport against the simulator', () => {
  let fleet: SimFleet;
  let sidecar: RunningSidecar;
  let client: OpenAI;
  before(async () => {
    fleet = await startSimFleet({ replicas: 2, profile: 'fast', timeScale: 0.05 });
    sidecar = await sidecarFor(fleet.urls);
    client = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'k', maxRetries: 0, timeout: 30_000 });
  });
  after(async () => {
    await sidecar.close(0);
    await fleet.close();
  });

  test('streamed and plain answers arrive whole through the official client', async () => {
    const model = (await client.models.list()).data[0]!.id;
    for (let round = 0; round < 3; round++) {
      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: `say something ${round}` }],
        max_tokens: 12,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: number | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = chunk.usage.completion_tokens;
      }
      assert.ok(text.length > 0);
      assert.equal(usage, 12);
      const plain = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 5,
      });
      assert.equal(plain.usage?.completion_tokens, 5);
    }
  });
});

describe('lean transport, exact bytes', () => {
  test('keep-alive: sequential requests share one connection; connection: close is never reused', async () => {
    const replica = await rawReplica((seen) => seen.socket.write(jsonAnswer()));
    const sidecar = await sidecarFor([replica.url]);
    try {
      for (let i = 0; i < 10; i++) assert.equal((await post(sidecar)).text, JSON_ANSWER);
      assert.equal(replica.requests.length, 10);
      assert.equal(replica.connections.size, 1);
      const seen = replica.requests[0]!;
      assert.match(seen.headers, /^POST \/v1\/chat\/completions HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\n/);
      assert.match(seen.headers, new RegExp(`\r\ncontent-length: ${Buffer.byteLength(seen.body)}`));
      replica.answer = (request) => {
        request.socket.write(jsonAnswer('connection: close\r\n'));
        request.socket.end();
      };
      // The first goes on the idle connection, which then closes; each of the others needs a new one.
      for (let i = 0; i < 3; i++) assert.equal((await post(sidecar)).status, 200);
      assert.equal(replica.connections.size, 3);
    } finally {
      await sidecar.close(0);
      await replica.close();
    }
  });

  test('an idle connection the replica closed is dropped, not reused', async () => {
    const replica = await rawReplica((seen) => {
      seen.socket.write(jsonAnswer());
      setTimeout(() => seen.socket.end(), 20);
    });
    const sidecar = await sidecarFor([replica.url]);
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal((await post(sidecar)).status, 200);
        await sleep(100);
      }
      assert.equal(replica.connections.size, 3);
    } finally {
      await sidecar.close(0);
      await replica.close();
    }
  });

  test('chunked with extensions and trailers, close-delimited and 1 MB bodies pass byte for byte', async () => {
    const events = ['data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n', 'data: [DONE]\n\n'];
    const big = 'x'.repeat(1024 * 1024);
    let shape = 'chunked';
    const replica = await rawReplica((seen) => {
      const socket = seen.socket;
      if (shape === 'chunked') {
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n' +
            sseChunk(events[0]!, ';ext=1') +
            sseChunk(events[1]!) +
            '0\r\nx-trailer: t\r\n\r\n',
        );
      } else if (shape === 'close') {
        socket.end(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n${big}`);
      } else {
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${big.length}\r\n\r\n`);
        // Cut into odd pieces.
        for (let at = 0; at < big.length; at += 70_001) socket.write(big.slice(at, at + 70_001));
      }
    });
    const sidecar = await sidecarFor([replica.url]);
    try {
      assert.equal((await post(sidecar, { model: 'm', stream: true })).text, events.join(''));
      shape = 'close';
      assert.equal((await post(sidecar)).text, big);
      shape = 'length';
      assert.equal((await post(sidecar)).text, big);
      shape = 'chunked';
      assert.equal((await post(sidecar, { model: 'm', stream: true })).text, events.join(''));
    } finally {
      await sidecar.close(0);
      await replica.close();
    }
  });

  test('a client that goes away closes the replica connection; a reset mid-stream ends the stream', async () => {
    const replica = await rawReplica((seen) => {
      seen.socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n${sseChunk('data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n')}`,
      );
      if (seen.body.includes('"reset"')) setTimeout(() => seen.socket.resetAndDestroy(), 30);
    });
    const sidecar = await sidecarFor([replica.url]);
    try {
      const abort = new AbortController();
      const response = await request(`${sidecar.url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        body: JSON.stringify({ model: 'm', stream: true }),
        headers: { 'content-type': 'application/json' },
        signal: abort.signal,
      });
      for await (const _ of response.body) break;
      abort.abort();
      const deadline = Date.now() + 5000;
      while (replica.closedByPeer < 1 && Date.now() < deadline) await sleep(20);
      assert.equal(replica.closedByPeer, 1, 'the replica saw its connection closed');

      const reset = await post(sidecar, { model: 'm', stream: true, user: 'reset' });
      assert.equal(reset.status, 200);
      assert.match(reset.text, /"content":"a"/);
      assert.match(reset.text, /failed mid-stream: connection reset/);
      assert.match(reset.text, /data: \[DONE\]\n\n$/);
    } finally {
      await sidecar.close(0);
      await replica.close();
    }
  });

  test('garbage or a close before the head is a 502; silence is a 504; a stalled stream ends at the idle timeout', async () => {
    const replica = await rawReplica((seen) => {
      if (seen.body.includes('"garbage"')) seen.socket.write('HTTP/1.1 2OO OK\r\n\r\n');
      else if (seen.body.includes('"close"')) seen.socket.end();
      else if (seen.body.includes('"stall"')) {
        seen.socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n${sseChunk('data: {"choices":[]}\n\n')}`,
        );
      }
      // anything else: no answer at all
    });
    const sidecar = await sidecarFor([replica.url], {
      timeouts: { connect: 1000, firstByte: 300, idle: 300 },
      maxFails: 1000,
    });
    try {
      const garbage = await post(sidecar, { model: 'm', user: 'garbage' });
      assert.equal(garbage.status, 502);
      assert.match(garbage.text, /invalid upstream response/);
      assert.equal((await post(sidecar, { model: 'm', user: 'close' })).status, 502);
      const silent = await post(sidecar, { model: 'm', user: 'silent' });
      assert.equal(silent.status, 504);
      assert.match(silent.text, /first-byte timeout/);
      const stalled = await post(sidecar, { model: 'm', stream: true, user: 'stall' });
      assert.equal(stalled.status, 200);
      assert.match(stalled.text, /idle timeout/);
    } finally {
      await sidecar.close(0);
      await replica.close();
    }
  });

  test('retries: a refused connection and a 503 go to the other replica', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const busy = await rawReplica((seen) =>
      seen.socket.write('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\n\r\nbusy'),
    );
    const good = await rawReplica((seen) => seen.socket.write(jsonAnswer()));
    const sidecar = await sidecarFor([deadUrl, busy.url, good.url], { retries: 2 });
    try {
      for (let i = 0; i < 6; i++) {
        const answer = await post(sidecar);
        assert.equal(answer.status, 200);
        assert.equal(answer.headers['x-vllm-pools-replica'], 'r2');
      }
      assert.equal(good.requests.length, 6);
      // The 503's body was read to the end: its connection is reused.
      assert.ok(busy.requests.length >= 1);
      assert.equal(busy.connections.size, 1);
    } finally {
      await sidecar.close(0);
      await busy.close();
      await good.close();
    }
  });
});

describe('back-pressure: a client that stops reading pauses the replica', () => {
  for (const transport of ['socket', 'undici'] as const) {
    test(`${transport} transport: 48 MB of events to a client that pauses: intact, and the replica held back meanwhile`, async () => {
      const event = `data: ${'y'.repeat(16 * 1024 - 8)}\n\n`;
      const count = 3072;
      let sent = 0;
      const replica = await rawReplica((seen) => {
        const socket = seen.socket;
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n');
        const pump = () => {
          while (sent < count) {
            sent += 1;
            if (!socket.write(sseChunk(event))) {
              socket.once('drain', pump);
              return;
            }
          }
          socket.write('0\r\n\r\n');
        };
        pump();
      });
      const sidecar = await startSidecar({
        config: testConfig([testPool('p', [{ url: replica.url, name: 'r0' }])], {
          engineMetrics: { enabled: false, interval: 60_000 },
        }),
        logger: memoryLogger().logger,
        env: {},
        transport,
      });
      try {
        const response = await request(`${sidecar.url}/v1/chat/completions`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm', stream: true }),
        });
        let bytes = 0;
        let sentWhilePaused = -1;
        for await (const piece of response.body) {
          bytes += (piece as Buffer).length;
          if (sentWhilePaused < 0) {
            await sleep(500);
            sentWhilePaused = sent;
          }
        }
        assert.equal(bytes, event.length * count);
        // Without back-pressure the sidecar would have read all of it (into memory) during the pause.
        assert.ok(sentWhilePaused < count * 0.75, `the replica sent ${sentWhilePaused} of ${count} events meanwhile`);
      } finally {
        await sidecar.close(0);
        await replica.close();
      }
    });
  }
});
