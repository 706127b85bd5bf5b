// Failover against the simulator's faults: refused connections, 503, a hang before the head, a reset mid-stream;
// abort propagation as the replica counts it; passive ejection and 503 + Retry-After when no replica is left.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { loadConfigFile } from '../../../core/config/load';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, waitFor } from './testConfig';

const agent = new Agent({ keepAliveTimeout: 1000 });
const body = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'Qwen/Qwen3-0.6B', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, ...extra });

async function post(url: string, extra: Record<string, unknown> = {}) {
  const response = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: body(extra),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

describe('failover on the simulator', () => {
  let fleet: SimFleet;
  let sidecar: RunningSidecar;
  let dir: string;
  const log = memoryLogger();

  before(async () => {
    fleet = await startSimFleet({ replicas: 2, profile: 'fast', timeScale: 1, seed: 3 });
    dir = mkdtempSync(join(tmpdir(), 'vllm-pools-failover-'));
    const file = join(dir, 'vllm-pools.yaml');
    writeFileSync(
      file,
      `algorithm: round-robin
engineMetrics: { interval: 500ms }
pools:
  - name: main
    healthCheck: { enabled: false }
    maxFails: 2
    failTimeout: 1s
    retries: 1
    timeouts: { connect: 500ms, firstByte: 400ms, idle: 2s }
    replicas:
${fleet.urls.map((url, i) => `      - { url: "${url}", name: sim-${i} }`).join('\n')}
`,
    );
    const loaded = loadConfigFile(file, {});
    assert.ok(loaded.config, JSON.stringify(loaded.issues));
    sidecar = await startSidecar({ config: loaded.config, logger: log.logger, env: {} });
  });
  after(async () => {
    await sidecar.close(500);
    await fleet.close();
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clear = async () => {
    for (const replica of fleet.replicas) await replica.setFault('none');
    for (const name of ['sim-0', 'sim-1']) {
      // Let any ejection from the previous case run out.
      await waitFor(
        () => sidecar.state().pools[0]!.replicas.find((r) => r.name === name)!.state !== 'unhealthy',
        3000,
        `${name} back`,
      );
    }
  };

  test('refused connections: every request lands on the other replica, with an attempts header', async () => {
    await fleet.replicas[0]!.setFault('refuse');
    let retried = 0;
    for (let i = 0; i < 6; i++) {
      const res = await post(sidecar.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-vllm-pools-replica'], 'sim-1');
      if (res.headers['x-vllm-pools-attempts'] === '2') retried += 1;
    }
    assert.ok(retried >= 1, 'at least one request was retried');
    const sim0 = sidecar.state().pools[0]!.replicas.find((r) => r.name === 'sim-0')!;
    assert.equal(sim0.state, 'unhealthy', 'two failures within 1s eject it');
    assert.ok(sim0.ejections >= 1);
    await clear();
  });

  test('503 from a replica is retried elsewhere', async () => {
    await fleet.replicas[1]!.setFault({ kind: 'status', status: 503 });
    for (let i = 0; i < 4; i++) {
      const res = await post(sidecar.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-vllm-pools-replica'], 'sim-0');
    }
    await clear();
  });

  test('a hang before the head fails over after the first-byte timeout', async () => {
    await fleet.replicas[0]!.setFault('hang');
    for (let i = 0; i < 2; i++) {
      const res = await post(sidecar.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-vllm-pools-replica'], 'sim-1');
    }
    await clear();
  });

  test('a reset mid-stream: error event then [DONE], and no retry after the first byte', async () => {
    for (const replica of fleet.replicas) await replica.setFault({ kind: 'reset-mid-stream', afterChunks: 2 });
    const before = fleet.replicas.reduce((sum, r) => sum + r.stats().received, 0);
    const res = await post(sidecar.url, { stream: true, max_tokens: 20, ignore_eos: true });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-vllm-pools-attempts'], undefined);
    assert.match(
      res.text,
      /data: \{"error":\{"message":"[^"]+","type":"upstream_error","param":null,"code":502\}\}\n\ndata: \[DONE\]\n\n$/,
    );
    const after = fleet.replicas.reduce((sum, r) => sum + r.stats().received, 0);
    assert.equal(after - before, 1, 'one upstream request only');
    await clear();
  });

  test('a client that goes away aborts the replica’s request (it counts the abort)', async () => {
    const aborted = () => fleet.replicas.reduce((sum, r) => sum + r.stats().aborted, 0);
    const start = aborted();
    for (const stream of [true, false]) {
      const controller = new AbortController();
      const pending = request(`${sidecar.url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: body({ stream, max_tokens: 3000, ignore_eos: true }),
        signal: controller.signal,
      });
      await waitFor(() => fleet.replicas.some((r) => r.stats().inFlight > 0), 3000, 'the replica to start');
      controller.abort();
      await pending.then((r) => r.body.text()).catch(() => undefined);
      await waitFor(() => fleet.replicas.every((r) => r.stats().inFlight === 0), 3000, 'the replica to drop it');
    }
    assert.equal(aborted() - start, 2, 'streaming and non-streaming aborts both reached the replica');
    await waitFor(() => sidecar.inflight() === 0, 2000, 'in-flight back to 0');
  });

  test('no replica left: 503 with Retry-After; errors in the OpenAI shape', async () => {
    for (const replica of fleet.replicas) await replica.setFault('refuse');
    // A keep-alive connection opened before the listener closed may still serve one request; then 502s until
    // both replicas are ejected, then 503.
    const statuses: number[] = [];
    let res = await post(sidecar.url);
    for (let i = 0; i < 10 && res.status !== 503; i++) {
      statuses.push(res.status);
      res = await post(sidecar.url);
    }
    assert.ok(statuses.includes(502), `both refused gives 502 (saw ${statuses.join(',')})`);
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers['retry-after']) >= 1);
    const error = JSON.parse(res.text).error;
    assert.equal(error.code, 503);
    assert.equal(error.param, null);
    const health = await request(`${sidecar.url}/healthz`, { dispatcher: agent });
    assert.equal(health.statusCode, 503);
    assert.equal(((await health.body.json()) as { status: string }).status, 'down');
    await clear();
    assert.equal((await post(sidecar.url)).status, 200, 'back after the ejection ran out');
  });
});
