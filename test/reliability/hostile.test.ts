// Hostile input against `node dist/cli.js serve`: fast-check runs of malformed HTTP, JSON bodies (invalid, deep,
// invalid UTF-8, wrong content types), huge headers and bodies, admin path tricks, plus slow-loris clients. Every
// input gets a 4xx (or, for malformed HTTP, a closed connection), never a 5xx or a crash, and a well-behaved client
// is served throughout.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { ADMIN_ROUTE_NAMES, type AdminRouteName, adminPath, type ParamsOf } from '../../core/admin/routes';
import { CLIENT_TIMEOUTS } from '../../sidecar/server';
import { type SimFleet, startSimFleet } from '../../sim/fleet';
import { type Child, chatBody, ensureBuilt, MODEL, rssKiB, SOAK, startServe, waitFor } from './harness';
import { recordSection } from './results';

// The soak (VLLM_POOLS_SOAK=1) sends over 100,000 inputs: four generated kinds of RUNS each (run side by side), plus
// the fixed ones.
const RUNS = SOAK ? 25_000 : 250;
/** Each kind runs in LANES clients at once (RUNS split between them, each lane its own seed). */
const LANES = SOAK ? 4 : 1;
/** A time bound for the generated inputs: each lane stops there (the figures say how many it reached). */
const BUDGET_MS = SOAK ? Number(process.env['VLLM_POOLS_SOAK_MINUTES'] ?? 60) * 60_000 : 120_000;
const TOKEN = 'admin-hostile-77aa01';
const SIM_KEY = 'sk-test-SECRET-hostile-5b9e2d41';

let dir: string;
let fleet: SimFleet;
let served: Child & { base: string };
let port: number;
const agent = new Agent({ connections: 32 });
const counts: Record<string, number> = {};
const statuses: Record<string, Record<string, number>> = {};

const byRoute: Record<string, Record<string, number>> = {};
/** 4xx answers whose body is not a JSON error (the first few, for the report). */
const unclean: string[] = [];
let uncleanCount = 0;

function tally(table: Record<string, Record<string, number>>, key: string, status: string): void {
  const bucket = table[key] ?? {};
  table[key] = bucket;
  bucket[status] = (bucket[status] ?? 0) + 1;
}

function note(kind: string, status: string, route?: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
  tally(statuses, kind, status);
  if (route !== undefined) tally(byRoute, route, status);
}

before(async () => {
  ensureBuilt();
  fleet = await startSimFleet({ replicas: 2, profile: 'fast', seed: 5, apiKey: SIM_KEY });
  dir = mkdtempSync(join(tmpdir(), 'vllm-pools-hostile-'));
  const configPath = join(dir, 'vllm-pools.yaml');
  writeFileSync(
    configPath,
    `limits: { maxBodyBytes: 1MiB }
pools:
  - name: main
    healthCheck: { interval: 500ms, timeout: ${SOAK ? '10s' : '2s'}, rise: 1, fall: ${SOAK ? 5 : 3} }
    replicas:
${fleet.urls.map((url, i) => `      - { url: "${url}", name: sim-${i}, apiKey: "\${env:SIM_KEY}" }`).join('\n')}
`,
  );
  served = await startServe(configPath, { VLLM_POOLS_ADMIN_TOKEN: TOKEN, SIM_KEY }, ['--log-level', 'debug']);
  port = Number(new URL(served.base).port);
});

after(async () => {
  // A failed test leaves its well-behaved client looping: stop it, or the file never ends.
  await stopGoodClient?.();
  served?.kill('SIGKILL');
  await served?.exit;
  await fleet?.close();
  await agent.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Sends raw bytes, half-closes, and returns the status of the first response (or 'closed' when none came). The soak
 * runs niced on a shared machine, where a process can stall for seconds: it waits longer for an answer.
 */
function raw(bytes: Buffer, waitMs = SOAK ? 30_000 : 4000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const done = (result: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    // After a stall the timer can fire before the socket's pending data is read: decide after one more I/O turn.
    const timer = setTimeout(() => setImmediate(() => done(data ? statusOf(data) : 'no-answer')), waitMs);
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n')) done(statusOf(data));
    });
    socket.on('error', () => done(data ? statusOf(data) : 'closed'));
    socket.on('close', () => done(data ? statusOf(data) : 'closed'));
    socket.write(bytes, () => socket.end());
  });
}

/**
 * Set when a lane has failed (after fast-check shrank its counterexample): every other lane's remaining runs pass
 * without sending anything, so a parallel run stops at its first failure instead of running on for its budget.
 */
let stopped = false;
let stopGoodClient: (() => Promise<unknown>) | undefined;

/** Runs a property in LANES concurrent fast-check runs (RUNS in all, each lane its own seed), bounded by BUDGET_MS. */
function lanes<T>(property: fc.IAsyncProperty<T>): Promise<void>[] {
  const seed = Date.now() | 0;
  return Array.from({ length: LANES }, (_, lane) =>
    fc
      .assert(property, {
        numRuns: Math.ceil(RUNS / LANES),
        seed: seed + lane,
        interruptAfterTimeLimit: BUDGET_MS,
        markInterruptAsFailure: false,
      })
      .catch((error: unknown) => {
        stopped = true;
        throw error;
      }),
  );
}

/** Resolves when every lane has ended; rejects with the first failure (the others stop at once, see `stopped`). */
async function allLanes(runs: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(runs);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}

function statusOf(text: string): string {
  return /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 'garbage';
}

/** The well-behaved client: a small request every few ms for the whole test. */
function goodClient(): { stop(): Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const loop = (async () => {
    while (running) {
      try {
        const res = await request(`${served.base}/v1/chat/completions`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: chatBody('well behaved', 4, false),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.body.text();
        if (res.statusCode === 200 && text.includes('"choices"')) ok += 1;
        else failed.push(`status ${res.statusCode}`);
      } catch (error) {
        failed.push((error as Error).message);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { ok, failed };
    },
  };
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'CONNECT', 'TRACE', 'G ET', 'post', 'FOO'];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1', 'HTP/1.1', '', 'HTTP/1.1 extra'];
/** Every route the sidecar serves (CONTRACT.md, with the additions), for the generators to aim at. */
const ROUTES = [
  '/v1/chat/completions',
  '/v1/completions',
  '/v1/embeddings',
  '/chat/completions',
  '/v1/responses',
  '/v1/responses/resp_hostile',
  '/v1/responses/resp_hostile/cancel',
  '/v1/messages',
  '/v1/messages/count_tokens',
  '/tokenize',
  '/detokenize',
  '/pooling',
  '/classify',
  '/score',
  '/rerank',
  '/v1/rerank',
  '/v2/rerank',
  '/v1/load_lora_adapter',
  '/v1/unload_lora_adapter',
  '/pools/main/v1/chat/completions',
  '/pools/main/v1/messages',
  '/pools/main/tokenize',
  '/pools/x/v1/chat/completions',
  '/pools/x/v1/responses',
];
const PATHS = [...ROUTES, '/admin/state', '/healthz', '/metrics', '/v1/models', '*', '', 'http://x/'];
/** The admin routes (core/admin/routes.ts) on a pool that exists and a replica that does not. */
const ADMIN_PATHS = ADMIN_ROUTE_NAMES.map((name) =>
  adminPath(name, { pool: 'main', replica: 'no-such-replica' } as ParamsOf<AdminRouteName>),
);
const EVERY_ROUTE = [...ROUTES, ...ADMIN_PATHS, '/metrics', '/healthz', '/v1/models', '/pools/main/v1/models'];

/**
 * An OpenAI ({"error": {...}}) or Anthropic ({"type": "error", "error": {...}}) error body, or a replica's own
 * FastAPI answer passed through unchanged ({"detail": ...}, vLLM's 404/405 for a method or path it does not serve).
 */
function isJsonError(text: string): boolean {
  try {
    const body = JSON.parse(text) as { error?: unknown; detail?: unknown };
    return (typeof body.error === 'object' && body.error !== null) || body.detail !== undefined;
  } catch {
    return false;
  }
}

const malformedHttp = fc
  .record({
    method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 12 })),
    path: fc.oneof(fc.constantFrom(...PATHS), fc.string({ maxLength: 40 }), fc.webPath()),
    version: fc.constantFrom(...VERSIONS),
    headers: fc.array(
      fc.oneof(
        fc.constantFrom(
          'Host: 127.0.0.1',
          'Content-Length: -1',
          'Content-Length: 5\r\nContent-Length: 7',
          'Transfer-Encoding: chunked',
          'Transfer-Encoding: chunked\r\nContent-Length: 3',
          'Transfer-Encoding: gzip, chunked',
          'Content-Length: abc',
          'Host: evil.example',
          'Origin: https://evil.example',
          'Authorization: Bearer wrong',
          'X: \u0000',
          ' leading: space',
          'no-colon',
          ': empty-name',
          'Expect: 100-continue',
          'Connection: upgrade\r\nUpgrade: websocket',
        ),
        fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 })).map(([n, v]) => `${n}: ${v}`),
      ),
      { maxLength: 6 },
    ),
    body: fc.oneof(fc.constant(''), fc.string({ maxLength: 60 }), fc.constant('5\r\nhello\r\nzz\r\n')),
    lineEnd: fc.constantFrom('\r\n', '\n', '\r'),
  })
  .map(({ method, path, version, headers, body, lineEnd }) => ({
    path,
    bytes: Buffer.from(
      `${method} ${path} ${version}${lineEnd}${headers.join(lineEnd)}${lineEnd}${lineEnd}${body}`,
      'latin1',
    ),
  }));

test('hostile input: 4xx or dropped, never a 5xx or a crash; a good client is served throughout', {
  timeout: SOAK ? BUDGET_MS + 600_000 : 150_000,
}, async () => {
  const good = goodClient();
  stopGoodClient = good.stop;
  const rssBefore = rssKiB(served.child.pid as number);
  const startedAt = Date.now();
  // The generated kinds run side by side (four clients at once): each input is still checked on its own.
  const runs: Promise<void>[] = [];

  // Malformed HTTP on raw sockets.
  runs.push(
    ...lanes(
      fc.asyncProperty(malformedHttp, async ({ bytes, path }) => {
        if (stopped) return true;
        const status = await raw(bytes);
        note('malformed HTTP', status, PATHS.includes(path) ? path : '(other paths)');
        return !status.startsWith('5') && status !== 'no-answer';
      }),
    ),
  );

  // Bodies: invalid JSON, arbitrary JSON values, deep nesting, invalid UTF-8, wrong content types.
  const deep = (depth: number, open: string, close: string, inner: string) =>
    `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
  const bodyArb = fc.oneof(
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.jsonValue({ maxDepth: 6 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc
      .record({ model: fc.oneof(fc.constant(MODEL), fc.jsonValue({ maxDepth: 2 })), messages: fc.jsonValue() })
      .map((v) => Buffer.from(JSON.stringify(v))),
    fc.integer({ min: 1, max: 200_000 }).map((d) => Buffer.from(deep(d, '[', ']', '1'))),
    fc
      .integer({ min: 1, max: 100_000 })
      .map((d) =>
        Buffer.from(`{"model":"${MODEL}","messages":[{"role":"user","content":${deep(d, '{"a":', '}', '1')}}]}`),
      ),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    fc
      .uint8Array({ minLength: 1, maxLength: 20 })
      .map((bytes) =>
        Buffer.concat([
          Buffer.from(`{"model":"${MODEL}","messages":[{"role":"user","content":"`),
          Buffer.from(bytes.map((b) => b | 0x80)),
          Buffer.from('"}],"max_tokens":2}'),
        ]),
      ),
  );
  const contentType = fc.constantFrom(
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=latin1',
    '',
  );
  const route = fc.constantFrom(...ROUTES);
  const method = fc.constantFrom('POST', 'POST', 'POST', 'PUT', 'DELETE', 'GET');
  const dialect = fc.constantFrom<Record<string, string>>(
    {},
    { 'anthropic-version': '2023-06-01', 'x-api-key': 'hostile' },
    { 'x-vllm-pools-pool': 'main' },
    { 'x-vllm-pools-pool': 'nope' },
  );
  runs.push(
    ...lanes(
      fc.asyncProperty(bodyArb, contentType, route, method, dialect, async (body, type, path, verb, extra) => {
        if (stopped) return true;
        const res = await request(`${served.base}${path}`, {
          method: verb,
          dispatcher: agent,
          headers: { ...(type ? { 'content-type': type } : {}), ...extra },
          ...(verb === 'GET' ? {} : { body }),
        });
        const text = await res.body.text();
        note('bodies', String(res.statusCode), path);
        // Thrown, not returned: the report then says what the sidecar answered.
        assert.ok(res.statusCode < 500, `${verb} ${path} -> ${res.statusCode} ${text.slice(0, 200)}`);
      }),
    ),
  );

  // Admin path tricks: without the token 401 (400 for a target that does not parse), with it never 5xx.
  const tricks = [
    '/admin/../admin/state',
    '//admin/state',
    '/admin//state',
    '/%61dmin/state',
    '/admin/%2e%2e/admin/state',
    '/admin/state%2f',
    '/admin%2fstate',
    '/admin/state?x=1',
    '/admin/state#x',
    '/ADMIN/STATE',
    '/Admin/State',
    '/admin/state/',
    '/admin/./state',
    '/v1/../admin/state',
    '/admin/replicas/%ff/x/drain',
    '/admin/replicas/main/%E0%A4%A/drain',
    '/admin/replicas/main/..%2f..%2f/drain',
    '/admin/replicas/%2e%2e/%2e%2e/enable',
    '/admin/reload%00',
    '/admin/events?',
  ];
  const pathArb = fc.oneof(
    fc.constantFrom(...tricks),
    fc.webPath().map((p) => `/admin${p}`),
    fc
      .tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }))
      .map(([a, b]) => `/admin/replicas/${encodeURIComponent(a)}/${encodeURIComponent(b)}/drain`),
  );
  runs.push(
    ...lanes(
      fc.asyncProperty(
        pathArb,
        fc.constantFrom('GET', 'POST', 'PUT'),
        fc.boolean(),
        async (path, method, withToken) => {
          if (stopped) return true;
          const bytes = Buffer.from(
            `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n${withToken ? `Authorization: Bearer ${TOKEN}\r\n` : ''}Connection: close\r\n\r\n`,
            'latin1',
          );
          // /admin/events answers with a stream: its status line is enough.
          const status = await raw(bytes);
          note(withToken ? 'admin paths (token)' : 'admin paths (no token)', status, '(admin path tricks)');
          if (status.startsWith('5') || status === 'no-answer') return false;
          // Without the token: refused by the sidecar itself whatever the case or encoding (`/Admin/State` once
          // went to a replica and got whatever it answered); a target node cannot parse is a 400.
          return withToken ? status.startsWith('2') || status.startsWith('4') : ['400', '401'].includes(status);
        },
      ),
    ),
  );

  // Every route (admin, /metrics, /healthz, /v1/models included) with hostile methods, auth, queries and bodies.
  // Every answer below 500, and every 4xx a JSON error in the caller's dialect (counted; asserted at the end).
  const everyRoute = fc.constantFrom(...EVERY_ROUTE);
  const auth = fc.constantFrom<Record<string, string>>(
    {},
    { authorization: 'Bearer wrong' },
    { authorization: `Bearer ${TOKEN}` },
    { 'x-api-key': 'hostile', 'anthropic-version': '2023-06-01' },
    { authorization: `Basic ${TOKEN}` },
  );
  const query = fc.oneof(
    fc.constantFrom('', '?', '?stream=true', '?x=1&x=2', '?%zz', '?pool=main', '?limit=-1'),
    fc.string({ maxLength: 20 }).map((q) => `?${encodeURIComponent(q)}`),
  );
  const anyMethod = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
  const withBody = fc.option(bodyArb, { nil: undefined });
  runs.push(
    ...lanes(
      fc.asyncProperty(
        everyRoute,
        anyMethod,
        auth,
        query,
        contentType,
        withBody,
        async (path, verb, who, q, type, body) => {
          if (stopped) return true;
          const res = await request(`${served.base}${path}${q}`, {
            method: verb as 'GET',
            dispatcher: agent,
            headers: { ...(type ? { 'content-type': type } : {}), ...who },
            ...(body === undefined || verb === 'GET' || verb === 'HEAD' ? {} : { body }),
            signal: AbortSignal.timeout(15_000),
          });
          const streamed = String(res.headers['content-type'] ?? '').includes('text/event-stream');
          // An event stream (/admin/events, a streamed chat) is left after its head: a client that goes away.
          if (streamed) res.body.destroy();
          const text = streamed ? '' : await res.body.text();
          note('routes', String(res.statusCode), path);
          if (res.statusCode >= 400 && res.statusCode < 500 && verb !== 'HEAD' && !isJsonError(text)) {
            uncleanCount += 1;
            if (unclean.length < 10) unclean.push(`${verb} ${path}${q} -> ${res.statusCode} ${text.slice(0, 120)}`);
          }
          assert.ok(res.statusCode < 500, `${verb} ${path}${q} -> ${res.statusCode} ${text.slice(0, 200)}`);
        },
      ),
    ),
  );
  const progress = SOAK
    ? setInterval(() => {
        const sent = Object.values(counts).reduce((a, b) => a + b, 0);
        console.log(`hostile soak: ${sent} inputs after ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
      }, 30_000)
    : undefined;
  await allLanes(runs).finally(() => clearInterval(progress));
  const generatedMs = Date.now() - startedAt;
  const rssAfterGenerated = rssKiB(served.child.pid as number);

  // Huge headers and bodies (fixed inputs).
  const huge: [string, Buffer][] = [
    ['64 KiB header', Buffer.from(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(65536)}\r\n\r\n`)],
    ['3,000 headers', Buffer.from(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Many: b\r\n'.repeat(3000)}\r\n`)],
    ['64 KiB URL', Buffer.from(`GET /v1/${'c'.repeat(65536)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)],
  ];
  for (const [name, bytes] of huge) {
    const status = await raw(bytes);
    note('huge', status);
    assert.ok(status.startsWith('4') || status === 'closed', `${name}: ${status}`);
  }
  for (const [name, size, chunked] of [
    ['5 MiB body (content-length)', 5 * 1024 * 1024, false],
    ['5 MiB body (chunked)', 5 * 1024 * 1024, true],
  ] as const) {
    const body = Buffer.alloc(size, 'x');
    const res = await request(`${served.base}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: new Agent(),
      headers: { 'content-type': 'application/json' },
      body: chunked
        ? ((async function* () {
            for (let i = 0; i < size; i += 65536) yield body.subarray(i, i + 65536);
          })() as unknown as Buffer)
        : body,
    }).catch((error: Error) => ({ statusCode: 0, body: { dump: async () => undefined }, error }));
    await res.body.dump().catch(() => undefined);
    note('huge', String(res.statusCode));
    // The 413 must be readable: the sidecar reads the rest of the body before answering (no reset, no status 0).
    assert.equal(res.statusCode, 413, `${name}: ${res.statusCode}`);
  }

  // Slow loris: heads sent a byte at a time; the server must drop them after headersTimeout.
  const lorisCount = 10;
  const lorisStartedAt = Date.now();
  const loris = Array.from({ length: lorisCount }, () => {
    const socket = connect(port, '127.0.0.1');
    const head = Buffer.from(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Pad: a\r\n'.repeat(200)}`);
    let sent = 0;
    let closedAt: number | null = null;
    const timer = setInterval(() => {
      if (sent < head.length && !socket.destroyed) socket.write(head.subarray(sent, ++sent));
    }, 200);
    socket.on('error', () => undefined);
    // Reading (a socket nobody reads never sees the server's 408 and FIN).
    socket.on('data', () => undefined);
    socket.on('close', () => {
      closedAt = Date.now();
      clearInterval(timer);
    });
    return { socket, closedAt: () => closedAt, stop: () => clearInterval(timer) };
  });

  // The slow-loris sockets are dropped by the server (headersTimeout, checked every connectionsCheckingInterval).
  const bound = CLIENT_TIMEOUTS.headersTimeout + CLIENT_TIMEOUTS.connectionsCheckingInterval + 3000;
  await waitFor(() => loris.every((l) => l.closedAt() !== null), bound, 'slow-loris sockets dropped').catch(
    () => undefined,
  );
  const lorisDropped = loris.filter((l) => l.closedAt() !== null).length;
  assert.equal(lorisDropped, lorisCount, 'every slow-loris client dropped after headersTimeout');
  const lorisDroppedAfterMs = lorisDropped
    ? Math.max(...loris.filter((l) => l.closedAt() !== null).map((l) => (l.closedAt() as number) - lorisStartedAt))
    : null;
  for (const l of loris) l.socket.destroy();
  for (const l of loris) l.stop();
  note('slow loris', lorisDropped === lorisCount ? 'dropped' : 'not dropped in time');

  const goodResult = await good.stop();
  assert.equal(served.child.exitCode, null, 'the sidecar is still running');
  const crash = served.stderr.filter((line) => /Uncaught|TypeError|RangeError|FATAL|at .*\.js:\d+/.test(line));
  assert.deepEqual(crash, [], 'no crash output');
  assert.ok(!served.stderrText().includes(SIM_KEY), 'the replica key never in the logs');
  const total = Object.values(counts).reduce((a, b) => a + b, 0) + lorisCount - 1;
  const rssAfter = rssKiB(served.child.pid as number);
  recordSection('hostile', {
    inputs: total,
    soak: SOAK,
    generatedSeconds: generatedMs / 1000,
    rssKiB: { before: rssBefore, afterGenerated: rssAfterGenerated, after: rssAfter },
    byKind: statuses,
    byRoute,
    unclean4xx: { count: uncleanCount, examples: unclean },
    slowLoris: {
      sockets: lorisCount,
      dropped: lorisDropped,
      waitedMs: bound,
      droppedAfterMs: lorisDroppedAfterMs,
      serverTimeouts: CLIENT_TIMEOUTS,
    },
    goodClient: { ok: goodResult.ok, failed: goodResult.failed.length },
  });
  console.log(
    `hostile: ${total} inputs (generated ones in ${(generatedMs / 1000).toFixed(1)} s), ${JSON.stringify(statuses)}; ` +
      `RSS ${rssBefore} -> ${rssAfterGenerated} -> ${rssAfter} KiB; good client ${goodResult.ok} ok`,
  );
  console.log(`hostile by route: ${JSON.stringify(byRoute)}`);
  assert.deepEqual(unclean, [], `every 4xx is a JSON error (${uncleanCount} were not)`);
  assert.deepEqual(goodResult.failed, [], 'the well-behaved client was served throughout');
  assert.ok(goodResult.ok > 50);
});

test('server timeouts: heads bounded, request bodies bounded, responses not', () => {
  assert.ok(CLIENT_TIMEOUTS.headersTimeout > 0 && CLIENT_TIMEOUTS.headersTimeout <= 60_000);
  // requestTimeout bounds receiving the request only (node:http); 0 would let a body dribble for ever.
  assert.ok(CLIENT_TIMEOUTS.requestTimeout >= 60_000, 'long enough for a 32 MiB body on a slow link');
  assert.ok(CLIENT_TIMEOUTS.requestTimeout >= CLIENT_TIMEOUTS.headersTimeout);
  assert.ok(CLIENT_TIMEOUTS.keepAliveTimeout >= 5_000);
});
