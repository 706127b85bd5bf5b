// Load: N concurrent streams through `node dist/cli.js serve` (a child process, its RSS read from /proc), then rounds of
// short requests. Every stream must arrive complete and byte-identical to what the replica sends for the same request
// (the simulator is deterministic: a direct call gives the reference; only `created` and the request id differ),
// in-flight counts must return to zero, and RSS must stay flat across the short-request rounds.
// CI: 1,000 streams of ~1 min, then 5 x 1,000 short requests. VLLM_POOLS_SOAK=1: 1,000 streams of ~2 min, 20,000 short.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import {
  adminState,
  type Child,
  chatBody,
  ensureBuilt,
  normalizeCreated,
  rssKiB,
  SOAK,
  startServe,
  startSimChild,
  totalInflight,
  waitFor,
} from './harness';
import { recordSection } from './results';

const STREAMS = Number(process.env['VLLM_POOLS_STREAMS'] ?? 1000);
/**
 * Tokens per stream; with the time scale below a stream lasts ~1 min (CI) or ~2 min (soak). "Held at once" needs the
 * first stream still open when the last one starts: on a loaded 2-core machine opening 1,000 streams took ~35 s,
 * longer than the ~20 s streams of time scale 200 (754 held at once). A slower time scale costs no extra CPU.
 */
const STREAM_TOKENS = SOAK ? 400 : 60;
const TIME_SCALE = SOAK ? 130 : 600;
const SHORT_ROUNDS = SOAK ? 20 : 5;
const SHORT_PER_ROUND = 1000;
const SHORT_CONCURRENCY = 64;
const PROMPTS = 25;
const REPLICAS = 4;
const TOKEN = 'admin-load-4c1e9b';

let dir: string;
let sim: Child & { urls: string[] };
/** A second fleet at full speed for the short requests (its own pool and model). */
let quickSim: Child & { urls: string[] };
const QUICK_MODEL = 'quick/short-model';
let served: Child & { base: string };
const agent = new Agent({ connections: STREAMS + 50, keepAliveTimeout: 10_000, headersTimeout: 0, bodyTimeout: 0 });
const adminAgent = new Agent({ connections: 4 });

before(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'vllm-pools-load-'));
  // Every replica can run a quarter of the streams at once (no queueing: the figure is the sidecar's, not the engine's).
  sim = await startSimChild(
    ['--profile', 'fast', '--time-scale', String(TIME_SCALE), '--seed', '7', '--max-num-seqs', String(STREAMS)],
    REPLICAS,
  );
  quickSim = await startSimChild(['--profile', 'fast', '--seed', '7', '--model', QUICK_MODEL], 2);
  const configPath = join(dir, 'vllm-pools.yaml');
  writeFileSync(
    configPath,
    `algorithm: least-connections
engineMetrics: { interval: 1s }
shutdownGrace: 5s
pools:
  - name: main
    healthCheck: { interval: 1s, timeout: 5s, rise: 1, fall: 3 }
    timeouts: { connect: 5s, firstByte: 60s, idle: 60s }
    replicas:
${sim.urls.map((url, i) => `      - { url: "${url}", name: sim-${i} }`).join('\n')}
  - name: quick
    models: [${QUICK_MODEL}]
    healthCheck: { interval: 1s, timeout: 5s, rise: 1, fall: 3 }
    replicas:
${quickSim.urls.map((url, i) => `      - { url: "${url}", name: quick-${i} }`).join('\n')}
`,
  );
  served = await startServe(configPath, { VLLM_POOLS_ADMIN_TOKEN: TOKEN });
});

after(async () => {
  served?.kill('SIGKILL');
  sim?.kill('SIGKILL');
  quickSim?.kill('SIGKILL');
  await Promise.allSettled([served?.exit, sim?.exit, quickSim?.exit]);
  await agent.close();
  await adminAgent.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Streams whose head arrived and whose body has not ended, as the client sees them. */
let open = 0;
let maxOpen = 0;

async function post(base: string, body: string, id: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await request(`${base}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', 'x-request-id': id },
    body,
  });
  open += 1;
  maxOpen = Math.max(maxOpen, open);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
  } finally {
    open -= 1;
  }
  return { status: res.statusCode, bytes: Buffer.concat(chunks) };
}

const refId = (k: number) => `ref-${String(k).padStart(7, '0')}`;
const streamId = (j: number) => `str-${String(j).padStart(7, '0')}`;
const promptOf = (k: number) => `load prompt ${k}: ${'tell me about pools of replicas '.repeat(1 + (k % 4))}`;

test(`load: ${STREAMS} concurrent streams byte-identical, then short requests; in-flight back to 0, RSS flat`, {
  timeout: SOAK ? 900_000 : 420_000,
}, async () => {
  const base = served.base;
  const pid = served.child.pid as number;
  // References straight from a replica: the same request gives the same bytes on every replica.
  const refs = await Promise.all(
    Array.from({ length: PROMPTS }, async (_, k) => {
      const url = sim.urls[k % REPLICAS] as string;
      const [streamed, short] = await Promise.all([
        post(url, chatBody(promptOf(k), STREAM_TOKENS), refId(k)),
        post(quickSim.urls[k % 2] as string, chatBody(promptOf(k), 4, false, QUICK_MODEL), refId(k)),
      ]);
      assert.equal(streamed.status, 200);
      assert.equal(short.status, 200);
      return [normalizeCreated(streamed.bytes.toString('utf8')), normalizeCreated(short.bytes.toString('utf8'))];
    }),
  );
  const streamRefs = refs.map(([streamed]) => streamed as string);
  const shortRefs = refs.map(([, short]) => short as string);
  const rssBefore = rssKiB(pid);
  let rssPeak = rssBefore;
  let maxInflight = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      try {
        rssPeak = Math.max(rssPeak, rssKiB(pid));
        maxInflight = Math.max(maxInflight, totalInflight(await adminState(base, TOKEN, adminAgent)));
      } catch {
        // a state read that loses to the load is retried on the next tick
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  maxOpen = 0;
  const started = Date.now();
  const outcomes = await Promise.all(
    Array.from({ length: STREAMS }, async (_, j) => {
      const k = j % PROMPTS;
      try {
        const got = await post(base, chatBody(promptOf(k), STREAM_TOKENS), streamId(j));
        const text = normalizeCreated(got.bytes.toString('utf8')).replaceAll(streamId(j), refId(k));
        if (got.status !== 200) return 'status';
        if (!text.endsWith('data: [DONE]\n\n')) return 'incomplete';
        return text === streamRefs[k] ? 'identical' : 'different';
      } catch (error) {
        return `error: ${(error as { code?: string }).code ?? (error as Error).message}`;
      }
    }),
  );
  const streamSeconds = (Date.now() - started) / 1000;
  const streamsHeld = maxOpen;
  const tally = (values: string[]) =>
    values.reduce<Record<string, number>>((acc, v) => {
      acc[v] = (acc[v] ?? 0) + 1;
      return acc;
    }, {});
  const streamTally = tally(outcomes);
  await waitFor(async () => totalInflight(await adminState(base, TOKEN, adminAgent)) === 0, 10_000, 'in-flight 0');
  const rssAfterStreams = rssKiB(pid);

  // Short requests, in rounds; RSS after each round.
  const shortStarted = Date.now();
  const roundRss: number[] = [];
  const shortTally: Record<string, number> = {};
  for (let round = 0; round < SHORT_ROUNDS; round++) {
    let next = 0;
    await Promise.all(
      Array.from({ length: SHORT_CONCURRENCY }, async () => {
        while (next < SHORT_PER_ROUND) {
          const j = round * SHORT_PER_ROUND + next++;
          const k = j % PROMPTS;
          let outcome: string;
          try {
            const got = await post(base, chatBody(promptOf(k), 4, false, QUICK_MODEL), streamId(j));
            const text = normalizeCreated(got.bytes.toString('utf8')).replaceAll(streamId(j), refId(k));
            outcome = got.status !== 200 ? `status ${got.status}` : text === shortRefs[k] ? 'identical' : 'different';
          } catch {
            outcome = 'error';
          }
          shortTally[outcome] = (shortTally[outcome] ?? 0) + 1;
        }
      }),
    );
    const rss = rssKiB(pid);
    rssPeak = Math.max(rssPeak, rss);
    roundRss.push(rss);
  }
  const shortSeconds = (Date.now() - shortStarted) / 1000;
  sampling = false;
  await sampler;
  const finalState = await adminState(base, TOKEN, adminAgent);
  const inflightAfter = totalInflight(finalState);
  const rssAfter = rssKiB(pid);
  const shortTotal = SHORT_ROUNDS * SHORT_PER_ROUND;

  const figures = {
    streams: STREAMS,
    streamTokens: STREAM_TOKENS,
    streamSeconds,
    streamsHeldAtOnce: streamsHeld,
    maxInflightSeenByAdmin: maxInflight,
    streamOutcomes: streamTally,
    shortRequests: shortTotal,
    shortSeconds,
    shortOutcomes: shortTally,
    inflightAfter,
    rssKiB: { before: rssBefore, peak: rssPeak, afterStreams: rssAfterStreams, after: rssAfter, perRound: roundRss },
    soak: SOAK,
  };
  recordSection('load', figures);
  console.log(`load figures: ${JSON.stringify(figures)}`);

  assert.equal(streamTally['identical'], STREAMS, `every stream byte-identical: ${JSON.stringify(streamTally)}`);
  assert.equal(shortTally['identical'], shortTotal, `every short request identical: ${JSON.stringify(shortTally)}`);
  assert.ok(streamsHeld >= STREAMS * 0.9, `the streams were held at once (${streamsHeld} open together)`);
  assert.equal(inflightAfter, 0);
  // Flat: no growth across the later rounds of short requests (a per-request leak grows linearly with them).
  const settled = roundRss.slice(1);
  const growth = (settled[settled.length - 1] as number) - (settled[0] as number);
  assert.ok(growth < 48 * 1024, `RSS grew ${growth} KiB over ${settled.length - 1} rounds of ${SHORT_PER_ROUND}`);
  assert.ok(rssAfter < rssBefore + 256 * 1024, `RSS after ${rssAfter} KiB vs before ${rssBefore} KiB`);
});
