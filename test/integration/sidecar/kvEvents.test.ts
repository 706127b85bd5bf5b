// prefix-aware with kvEvents: simulated replicas publish vLLM's KV-cache events over ZMQ, the sidecar follows them,
// and a prompt goes to the replica that the events say holds its prefix, even when this sidecar never sent it there
// (the prefix was sent straight to the replica). An eviction, seen in the events, sends it elsewhere.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { KvEventSubscriber } from '../../../sidecar/kvEvents/kvEventSubscriber';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { FAST } from '../../../sim/profiles';
import { SimReplica } from '../../../sim/replica';
import { tokenize } from '../../../sim/tokenizer';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

/** 128 blocks of 16 tokens: 2,048 tokens, so a few 300-token prompts evict older ones. */
const PROFILE = { ...FAST, numGpuBlocks: 128 };
const silent = { warn: () => undefined };

function document(label: string): string {
  return Array.from({ length: 30 }, (_, i) => `${label} section ${i}: the quick brown fox jumps. `).join('');
}

describe('prefix-aware follows the replicas KV events (kvEvents)', () => {
  const sims: SimReplica[] = [];
  const watchers: KvEventSubscriber[] = [];
  let sidecar: RunningSidecar;
  let client: OpenAI;

  before(async () => {
    for (let i = 0; i < 2; i++) {
      sims.push(
        await SimReplica.start({ name: `sim-${i}`, host: '127.0.0.1', port: 0, profile: PROFILE, kvEventsPort: 0 }),
      );
    }
    const pool = testPool(
      'main',
      sims.map((sim) => ({ url: sim.url, name: sim.name })),
      { algorithm: 'prefix-aware' },
    );
    pool.replicas.forEach((replica, i) => {
      replica.kvEvents = { endpoint: sims[i]!.kvEventsEndpoint!, topic: '' };
    });
    const { logger } = memoryLogger();
    sidecar = await startSidecar({ config: testConfig([pool]), port: 0, logger, env: {} });
    // The test's own subscribers see what the sidecar's see (a PUB socket sends every message to each subscriber).
    for (const sim of sims) {
      const watcher = new KvEventSubscriber({ endpoint: sim.kvEventsEndpoint!, topic: '' }, silent, sim.name);
      await watcher.start();
      watchers.push(watcher);
    }
    // ZMQ subscriptions take a moment to reach the publisher; the sims publish nothing until their first request.
    await new Promise((resolve) => setTimeout(resolve, 300));
    client = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  after(async () => {
    for (const watcher of watchers) watcher.stop();
    await sidecar?.close(500);
    for (const sim of sims) await sim.close();
  });

  async function direct(sim: SimReplica, prompt: string): Promise<void> {
    const direct = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    await direct.completions.create({ model: sim.model, prompt, max_tokens: 4 });
  }

  /** Waits until the events say `sim` holds (or no longer holds) the prompt's first full blocks. */
  async function held(index: number, prompt: string, expected: boolean): Promise<void> {
    const tokens = tokenize(prompt);
    const blocks = Math.floor(tokens.length / PROFILE.blockSize);
    await waitFor(
      () => {
        const state = watchers[index]!.blocks;
        return state.isKnown && (state.matchedBlocks(tokens) === blocks) === expected;
      },
      5000,
      `sim-${index} ${expected ? 'holding' : 'evicting'} the prompt`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // the sidecar's subscriber got the same message
  }

  async function routedTo(prompt: string): Promise<string | null> {
    const { response } = await client.completions
      .create({ model: sims[0]!.model, prompt, max_tokens: 4 })
      .withResponse();
    return response.headers.get('x-vllm-pools-replica');
  }

  it('sends a prompt to the replica whose events hold its prefix, then elsewhere once it is evicted', async () => {
    const a = document('alpha');
    const b = document('bravo');
    // Prefixes placed behind the sidecar's back: only the events can tell where they are.
    await direct(sims[1]!, a);
    await direct(sims[0]!, b);
    await held(1, a, true);
    await held(0, b, true);
    for (let turn = 0; turn < 3; turn++) {
      assert.equal(await routedTo(`${a} question ${turn}?`), 'sim-1', `turn ${turn}: alpha lives on sim-1`);
      assert.equal(await routedTo(`${b} question ${turn}?`), 'sim-0', `turn ${turn}: bravo lives on sim-0`);
    }

    // Other documents straight to sim-1 fill its 128 blocks: alpha is evicted there, and now cached on sim-0.
    for (let i = 0; i < 10; i++) await direct(sims[1]!, document(`filler ${i}`));
    await held(1, a, false);
    await direct(sims[0]!, a);
    await held(0, a, true);
    assert.equal(await routedTo(`${a} question after eviction?`), 'sim-0');
  });
});
