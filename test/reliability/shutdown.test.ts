// SIGTERM under load: streams that fit in shutdownGrace finish whole; the process exits 0 soon after the grace;
// new requests are refused meanwhile. How streams longer than the grace end is recorded (RELIABILITY.md).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { type SimFleet, startSimFleet } from '../../sim/fleet';
import { chatBody, ensureBuilt, startServe } from './harness';
import { recordSection } from './results';

let dir: string;
let fleet: SimFleet;
const agent = new Agent({ connections: 200, headersTimeout: 0, bodyTimeout: 0 });

before(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'vllm-pools-shutdown-'));
  // ~20 ms per token: 40 tokens < 1 s, 400 tokens ~ 8 s.
  fleet = await startSimFleet({ replicas: 2, profile: 'fast', timeScale: 10, seed: 6 });
});

after(async () => {
  await fleet?.close();
  await agent.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Ending = 'done' | 'error-event' | 'truncated' | 'failed';

test('SIGTERM: streams within the grace finish whole, longer ones are cut at the grace, exit 0', {
  timeout: 60_000,
}, async () => {
  const file = join(dir, 'vllm-pools.yaml');
  writeFileSync(
    file,
    `shutdownGrace: 3s
pools:
  - name: main
    replicas:
${fleet.urls.map((url, i) => `      - { url: "${url}", name: sim-${i} }`).join('\n')}
`,
  );
  const served = await startServe(file);
  // SIGTERM goes only once every stream has its first bytes: a fixed head start was too short on a loaded CI machine
  // (the long streams had not connected yet and the sidecar, with nothing in flight for them, exited at once).
  let started = 0;
  const stream = async (tokens: number): Promise<Ending> => {
    try {
      const res = await request(`${served.base}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: chatBody(`shutdown ${tokens}`, tokens),
      });
      let text = '';
      try {
        for await (const chunk of res.body) {
          if (text === '') started += 1;
          text += chunk;
        }
      } catch {
        return text.includes('"error"') ? 'error-event' : 'truncated';
      }
      if (text.includes('"type":"upstream_error"') || text.includes('"error"')) return 'error-event';
      return text.endsWith('data: [DONE]\n\n') ? 'done' : 'truncated';
    } catch {
      return 'failed';
    }
  };
  const short = Array.from({ length: 60 }, () => stream(40));
  const long = Array.from({ length: 10 }, () => stream(400));
  for (let waited = 0; started < 70 && waited < 15_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  assert.equal(started, 70, 'every stream had started before SIGTERM');
  const termAt = Date.now();
  served.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 100));
  const refused = await request(`${served.base}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: new Agent(),
    headers: { 'content-type': 'application/json' },
    body: chatBody('after SIGTERM', 4, false),
  }).then(
    async (res) => {
      await res.body.dump();
      return `status ${res.statusCode}`;
    },
    (error: Error) => `refused (${(error as { code?: string }).code ?? error.message})`,
  );
  const shortEndings = await Promise.all(short);
  const longEndings = await Promise.all(long);
  const { code } = await served.exit;
  const exitAfterMs = Date.now() - termAt;
  const tally = (endings: Ending[]) =>
    endings.reduce<Record<string, number>>((acc, e) => {
      acc[e] = (acc[e] ?? 0) + 1;
      return acc;
    }, {});
  const figures = {
    graceMs: 3000,
    short: tally(shortEndings),
    long: tally(longEndings),
    newRequestAfterSigterm: refused,
    exitCode: code,
    exitAfterMs,
  };
  recordSection('shutdown', figures);
  console.log(`shutdown: ${JSON.stringify(figures)}`);
  assert.equal(code, 0);
  assert.deepEqual(figures.short, { done: 60 }, 'streams within the grace finish whole');
  assert.ok(!refused.startsWith('status 2'), `a new request after SIGTERM is not served: ${refused}`);
  assert.equal(figures.long['done'] ?? 0, 0, 'streams longer than the grace are cut');
  assert.ok(exitAfterMs < 3000 + 5000, `exit ${exitAfterMs} ms after SIGTERM`);
});
