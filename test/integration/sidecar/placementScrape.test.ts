// prefix-aware reads the replicas' /metrics out of turn before it places a new prefix group (a repository-sized
// prompt no replica holds), so that groups other sidecars placed a moment ago count; a prompt it already placed is
// not preceded by a read. Real sidecar, simulated replicas, each behind a front that logs what reaches it in order.
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { PLACEMENT_SCRAPE_WAIT_MS } from '../../../sidecar/balancer/prefixAware';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { FAST } from '../../../sim/profiles';
import { SimReplica } from '../../../sim/replica';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

/** Every request that reached the replicas, in arrival order: `name METHOD path`. */
const arrivals: string[] = [];

function front(name: string, target: string): Promise<Server> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    arrivals.push(`${name} ${req.method} ${(req.url ?? '').split('?')[0]}`);
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const metricsReads = (name: string) => arrivals.filter((line) => line === `${name} GET /metrics`).length;

describe('placement scrape (prefix-aware)', () => {
  const sims: SimReplica[] = [];
  const fronts: Server[] = [];
  let sidecar: RunningSidecar;
  let client: OpenAI;

  before(async () => {
    for (let i = 0; i < 2; i++) {
      const sim = await SimReplica.start({ name: `sim-${i}`, host: '127.0.0.1', port: 0, profile: FAST });
      sims.push(sim);
      fronts.push(await front(`sim-${i}`, sim.url));
    }
    const pool = testPool(
      'main',
      fronts.map((server, i) => ({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        name: `sim-${i}`,
      })),
      { algorithm: 'prefix-aware' },
    );
    // Periodic scrapes 2 s apart; the test asks in the quiet start of an interval, so any other read is out of turn.
    const config = testConfig([pool], { engineMetrics: { enabled: true, interval: 2000 } });
    sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
    // The sidecar reads out of turn only where /metrics answers within PLACEMENT_SCRAPE_WAIT_MS (its moving average
    // of read times, which it publishes); a loaded test machine can take a few reads to get there.
    await waitFor(
      () => {
        const durations = [
          ...sidecar.metrics().matchAll(/^vllm_pools_engine_scrape_duration_seconds\{[^}]*\} (\S+)$/gm),
        ];
        return durations.length === 2 && durations.every((d) => Number(d[1]) <= PLACEMENT_SCRAPE_WAIT_MS / 1000);
      },
      30_000,
      'fast /metrics reads',
    );
    client = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  after(async () => {
    await sidecar?.close(500);
    for (const server of fronts) server.closeAllConnections();
    for (const server of fronts) await new Promise((resolve) => server.close(resolve));
    for (const sim of sims) await sim.close();
  });

  const repository = Array.from(
    { length: 600 },
    (_, i) => `src/module${i}.ts: export const value${i} = ${i * 7};`,
  ).join('\n');

  /** Waits for the next periodic scrape of both replicas, then until it is older than PLACEMENT_SCRAPE_MAX_AGE_MS. */
  async function afterPeriodicScrape(): Promise<void> {
    const [a, b] = [metricsReads('sim-0'), metricsReads('sim-1')];
    await waitFor(() => metricsReads('sim-0') > a && metricsReads('sim-1') > b, 10_000, 'a periodic scrape');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  async function ask(question: string): Promise<string> {
    await afterPeriodicScrape();
    const before = arrivals.length;
    await client.chat.completions.create({
      model: sims[0]!.model,
      max_tokens: 2,
      messages: [
        { role: 'system', content: 'You are a coding assistant.' },
        { role: 'user', content: `${repository}\n\n${question}` },
      ],
    });
    return arrivals.slice(before).join('\n');
  }

  it('reads every replica before placing a new repository-sized prompt, and not before one it placed', async () => {
    assert.ok(repository.length > 20_000, 'the prompt is well past the placement threshold');
    const first = await ask('Where is value3 defined?');
    const lines = first.split('\n');
    const post = lines.findIndex((line) => line.endsWith('POST /v1/chat/completions'));
    assert.ok(post >= 0, first);
    for (const name of ['sim-0', 'sim-1']) {
      assert.ok(lines.slice(0, post).includes(`${name} GET /metrics`), `${name} read before the request:\n${first}`);
    }
    const second = await ask('And value9?');
    assert.doesNotMatch(second, /GET \/metrics/, `the same repository again: affinity, no read\n${second}`);
  });
});
