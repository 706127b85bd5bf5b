// Continuous batching on a simulated clock: limits, chunked prefill, preemption, abort, determinism of steps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../sim/clock';
import { Engine, type EngineRequestHandle } from '../../../sim/engine/engine';
import { FAST, H100_LLAMA_8B, type SimProfile } from '../../../sim/profiles';

const prompt = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => (i * 31 + salt * 7) % 50_000);

function run(engine: Engine, tokens: number[], outputLength: number) {
  const state = {
    tokens: 0,
    finished: undefined as string | undefined,
    handle: undefined as unknown as EngineRequestHandle,
  };
  state.handle = engine.submit(
    { promptTokens: tokens, outputLength, finishReason: 'length' },
    {
      onToken: () => state.tokens++,
      onFinish: (reason) => {
        state.finished = reason;
      },
    },
  );
  return state;
}

test('running requests never exceed max_num_seqs; the rest wait', () => {
  const clock = new ManualClock();
  const profile: SimProfile = { ...FAST, maxNumSeqs: 4 };
  const engine = new Engine({ profile, clock });
  const all = Array.from({ length: 10 }, (_, i) => run(engine, prompt(20, i), 5));
  let maxRunning = 0;
  clock.runUntil(() => {
    maxRunning = Math.max(maxRunning, engine.numRunning);
    if (engine.numRunning === 4)
      assert.equal(engine.numWaiting + engine.numRunning, 10 - all.filter((r) => r.finished).length);
    return all.every((r) => r.finished === 'length');
  });
  assert.equal(maxRunning, 4);
  assert.equal(engine.numWaiting, 0);
  assert.equal(engine.stats.finished.length, 10);
  assert.equal(engine.kvUsage, 0);
});

test('a prompt longer than the token budget is prefilled in chunks over several steps', () => {
  const clock = new ManualClock();
  const engine = new Engine({ profile: H100_LLAMA_8B, clock });
  const request = run(engine, prompt(20_000), 2);
  clock.runUntil(() => request.finished !== undefined);
  // 20,000 tokens at 8,192 per step: 3 prefill steps, then 1 decode step.
  assert.equal(engine.stats.steps, 4);
  assert.equal(engine.stats.promptTokens, 20_000);
});

test('when the KV cache runs out the last admitted request is preempted, then recomputed', () => {
  const clock = new ManualClock();
  // 12 blocks of 16 = 192 tokens; two requests of 64 + 60 tokens cannot both finish.
  const profile: SimProfile = { ...FAST, numGpuBlocks: 12 };
  const engine = new Engine({ profile, clock });
  const a = run(engine, prompt(64, 1), 60);
  const b = run(engine, prompt(64, 2), 60);
  clock.runUntil(() => a.finished !== undefined && b.finished !== undefined);
  assert.ok(engine.stats.preemptions >= 1);
  assert.equal(a.tokens, 60);
  assert.equal(b.tokens, 60);
  assert.equal(engine.kvUsage, 0);
});

test('an abort frees the request slot and its KV blocks at once', () => {
  const clock = new ManualClock();
  const engine = new Engine({ profile: FAST, clock });
  const request = run(engine, prompt(400), 1000);
  clock.runUntil(() => request.tokens >= 3);
  assert.equal(engine.numRunning, 1);
  assert.ok(engine.kvUsage > 0);
  request.handle.abort();
  assert.equal(engine.numRunning, 0);
  assert.equal(engine.kvUsage, 0);
  assert.equal(engine.stats.finished.abort, 1);
  assert.equal(request.finished, undefined);
  clock.advance(100);
  assert.equal(request.tokens, 3);
});

test('a request too large for the whole KV cache is refused at submit', () => {
  const clock = new ManualClock();
  const engine = new Engine({ profile: { ...FAST, numGpuBlocks: 4 }, clock });
  assert.throws(() => run(engine, prompt(100), 10), /KV blocks/);
});

test('time scale and the slow factor multiply every modelled delay', () => {
  const measure = (timeScale: number, slowFactor: number) => {
    const clock = new ManualClock();
    const engine = new Engine({ profile: H100_LLAMA_8B, clock, timeScale });
    engine.slowFactor = slowFactor;
    const request = run(engine, prompt(1000), 10);
    clock.runUntil(() => request.finished !== undefined);
    return clock.now();
  };
  const base = measure(1, 1);
  assert.ok(Math.abs(measure(0.1, 1) - base / 10) < 1e-6);
  assert.ok(Math.abs(measure(1, 5) - base * 5) < 1e-6);
});
