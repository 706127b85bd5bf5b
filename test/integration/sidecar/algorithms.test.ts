// Each algorithm's routing, observed only through x-vllm-pools-replica, against three simulated replicas.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import type { AlgorithmId } from '../../../core/protocol';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

const MODEL = 'Qwen/Qwen3-0.6B';
const agent = new Agent({ connections: 64 });

function chatBody(content: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }], max_tokens: 4, ...extra });
}

async function routeOf(base: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await request(`${base}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.body.text();
  assert.equal(response.statusCode, 200, text);
  return String(response.headers['x-vllm-pools-replica']);
}

function tally(names: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** Long streams straight to a replica (not through the sidecar), aborted by the returned function. */
function loadDirectly(url: string, count: number): () => void {
  const controllers = Array.from({ length: count }, () => new AbortController());
  for (const controller of controllers) {
    request(`${url}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: chatBody('busy', { stream: true, max_tokens: 20000, ignore_eos: true }),
      signal: controller.signal,
    })
      .then((r) => r.body.text())
      .catch(() => undefined);
  }
  return () => {
    for (const controller of controllers) controller.abort();
  };
}

describe('algorithms on the simulator', () => {
  let fleet: SimFleet;
  let sidecar: RunningSidecar;
  before(async () => {
    fleet = await startSimFleet({ replicas: 3, profile: 'fast', timeScale: 1, seed: 5 });
    sidecar = await startSidecar({
      config: testConfig(
        [
          testPool(
            'main',
            fleet.urls.map((url, i) => ({ url, name: `sim-${i}` })),
          ),
        ],
        { engineMetrics: { enabled: true, interval: 100 } },
      ),
      logger: memoryLogger().logger,
      env: {},
    });
  });
  after(async () => {
    await sidecar.close(500);
    await fleet.close();
    await agent.close();
  });
  const use = (id: AlgorithmId) => assert.ok(sidecar.setAlgorithm(id));

  test('round-robin: strict rotation', async () => {
    use('round-robin');
    const names: string[] = [];
    for (let i = 0; i < 12; i++) names.push(await routeOf(sidecar.url, chatBody(`q${i}`)));
    assert.deepEqual([...tally(names).values()], [4, 4, 4]);
    for (let i = 3; i < 12; i++) assert.equal(names[i], names[i - 3], 'same order every round');
  });

  for (const id of ['least-connections', 'power-of-two'] as const) {
    test(`${id}: avoids the replica with a stream in flight through the sidecar`, async () => {
      use(id);
      const controller = new AbortController();
      const held = await request(`${sidecar.url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: chatBody('hold', { stream: true, max_tokens: 20000, ignore_eos: true }),
        signal: controller.signal,
      });
      const busy = String(held.headers['x-vllm-pools-replica']);
      const names: string[] = [];
      for (let i = 0; i < 15; i++) names.push(await routeOf(sidecar.url, chatBody(`q${i}`)));
      controller.abort();
      await held.body.text().catch(() => undefined);
      assert.ok(!names.includes(busy), `${busy} had a stream in flight: ${names.join(',')}`);
      assert.equal(tally(names).size, 2, 'both idle replicas are used');
      await waitFor(() => sidecar.inflight() === 0, 3000, 'stream released');
    });
  }

  test('queue-aware: avoids the replica whose engine reports load the sidecar did not send', async () => {
    use('queue-aware');
    const stop = loadDirectly(fleet.urls[1]!, 6);
    try {
      await waitFor(
        () => {
          const engine = sidecar.state().pools[0]!.replicas[1]!.engine;
          return engine !== null && engine.running >= 6 && !engine.stale;
        },
        5000,
        'the scrape to show the load',
      );
      const names: string[] = [];
      for (let i = 0; i < 15; i++) names.push(await routeOf(sidecar.url, chatBody(`q${i}`)));
      assert.ok(!names.includes('sim-1'), names.join(','));
    } finally {
      stop();
    }
    await waitFor(() => fleet.replicas[1]!.stats().inFlight === 0, 3000, 'direct load gone');
  });

  test('least-response-time: a slow replica gets little traffic', async () => {
    use('least-response-time');
    await fleet.replicas[2]!.setFault({ kind: 'slow', factor: 300 });
    try {
      const names: string[] = [];
      for (let i = 0; i < 30; i++) {
        names.push(
          await routeOf(sidecar.url, chatBody(`lrt${i}`, { stream: true, stream_options: { include_usage: true } })),
        );
      }
      const counts = tally(names);
      console.log(`least-response-time with sim-2 slowed 300x: ${JSON.stringify(Object.fromEntries(counts))}`);
      assert.ok((counts.get('sim-2') ?? 0) <= 6, `slow replica got ${counts.get('sim-2')} of 30`);
    } finally {
      await fleet.replicas[2]!.setFault('none');
    }
  });

  test('consistent-hash: a session sticks to one replica; sessions spread', async () => {
    use('consistent-hash');
    const homes = new Set<string>();
    for (let s = 0; s < 9; s++) {
      const names: string[] = [];
      for (let i = 0; i < 4; i++) {
        names.push(await routeOf(sidecar.url, chatBody(`msg ${i}`), { 'x-session-id': `session-${s}` }));
      }
      assert.equal(new Set(names).size, 1, `session-${s}: ${names.join(',')}`);
      homes.add(names[0]!);
    }
    assert.ok(homes.size >= 2, 'sessions use more than one replica');
  });

  test('prefix-aware: a growing conversation stays on one replica; other prefixes spread', async () => {
    use('prefix-aware');
    const system = 'You are a careful assistant for a large TypeScript code base. '.repeat(20);
    const conversation = (name: string, turns: number) => {
      const messages: { role: string; content: string }[] = [{ role: 'system', content: `${name}: ${system}` }];
      for (let t = 0; t < turns; t++) {
        messages.push({ role: 'user', content: `question ${t} about ${name}` });
        messages.push({ role: 'assistant', content: `answer ${t}` });
      }
      messages.push({ role: 'user', content: 'next question' });
      return JSON.stringify({ model: MODEL, messages, max_tokens: 4 });
    };
    const homes = new Set<string>();
    for (const name of ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta']) {
      const names: string[] = [];
      for (let turns = 0; turns < 5; turns++) names.push(await routeOf(sidecar.url, conversation(name, turns)));
      assert.equal(new Set(names).size, 1, `${name}: ${names.join(',')}`);
      homes.add(names[0]!);
    }
    assert.ok(homes.size >= 2, 'different prefixes use more than one replica');
  });
});
