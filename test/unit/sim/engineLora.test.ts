// LoRA adapters in the engine: at most max_loras distinct adapters per batch (the others wait, in order), a swap
// into a GPU slot costs step time, and two adapters never share cached prefix blocks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../sim/clock';
import { Engine } from '../../../sim/engine/engine';
import { FAST, type SimProfile } from '../../../sim/profiles';

const prompt = (n: number) => Array.from({ length: n }, (_, i) => (i * 31) % 50_000);

function submit(engine: Engine, clock: ManualClock, lora: string | undefined, outputLength = 4) {
  const state = { firstTokenAt: -1, finished: false, handle: undefined as unknown as { cachedTokens: number } };
  state.handle = engine.submit(
    { promptTokens: prompt(64), outputLength, finishReason: 'length', ...(lora ? { lora } : {}) },
    {
      onToken: (index) => {
        if (index === 0) state.firstTokenAt = clock.now();
      },
      onFinish: () => {
        state.finished = true;
      },
    },
  );
  return state;
}

test('with max_loras 1 a request for a second adapter waits until the first adapter has no running request', () => {
  const clock = new ManualClock();
  const engine = new Engine({ profile: FAST, clock, maxLoras: 1 });
  const a = submit(engine, clock, 'a', 20);
  const b = submit(engine, clock, 'b', 4);
  const base = submit(engine, clock, undefined, 4);
  let sawWaiting = false;
  clock.runUntil(() => {
    const adapters = engine.loraAdapters();
    if (adapters.running.includes('a') && adapters.waiting.includes('b')) sawWaiting = true;
    assert.ok(adapters.running.length <= 1, `running adapters ${adapters.running.join(',')}`);
    return a.finished && b.finished && base.finished;
  });
  assert.ok(sawWaiting, 'b waited while a ran');
  // The base-model request was not held back by b: it ran alongside a.
  assert.ok(base.firstTokenAt < b.firstTokenAt);
  assert.ok(b.firstTokenAt > a.firstTokenAt);
});

test('with max_loras 2 both adapters run in one batch', () => {
  const clock = new ManualClock();
  const engine = new Engine({ profile: FAST, clock, maxLoras: 2 });
  const a = submit(engine, clock, 'a', 20);
  const b = submit(engine, clock, 'b', 4);
  let together = false;
  clock.runUntil(() => {
    if (engine.loraAdapters().running.length === 2) together = true;
    return a.finished && b.finished;
  });
  assert.ok(together);
});

test('an adapter swap adds loraSwapMs to the step that loads it', () => {
  const profile: SimProfile = { ...FAST, loraSwapMs: 50 };
  const time = (lora: string | undefined) => {
    const clock = new ManualClock();
    const engine = new Engine({ profile, clock, maxLoras: 1 });
    const request = submit(engine, clock, lora, 2);
    clock.runUntil(() => request.finished);
    return request.firstTokenAt;
  };
  const plain = time(undefined);
  const withLora = time('a');
  assert.ok(Math.abs(withLora - plain - 50) < 1e-6, `${withLora} vs ${plain}`);
});

test('the prefix cache is per adapter: the same prompt under another adapter does not hit', () => {
  const clock = new ManualClock();
  const engine = new Engine({ profile: FAST, clock, maxLoras: 2 });
  const first = submit(engine, clock, 'a', 2);
  clock.runUntil(() => first.finished);
  const same = submit(engine, clock, 'a', 2);
  clock.runUntil(() => same.finished);
  const other = submit(engine, clock, 'b', 2);
  clock.runUntil(() => other.finished);
  assert.equal(same.handle.cachedTokens, 48);
  assert.equal(other.handle.cachedTokens, 0);
});
