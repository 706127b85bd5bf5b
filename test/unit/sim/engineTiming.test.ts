// The step model at time scale 1 on a simulated clock, against the ranges of reference vllm.md §4.3.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../sim/clock';
import { Engine, type EngineRequestHandle } from '../../../sim/engine/engine';
import { H100_LLAMA_8B } from '../../../sim/profiles';

function tokens(count: number, offset = 0): number[] {
  return Array.from({ length: count }, (_, i) => (i * 7919 + offset * 104729) % 128_000);
}

interface Tracked {
  handle: EngineRequestHandle;
  submittedAt: number;
  tokenTimes: number[];
  finished: string | undefined;
}

function submit(engine: Engine, clock: ManualClock, prompt: number[], outputLength: number): Tracked {
  const tracked: Tracked = {
    handle: undefined as never,
    submittedAt: clock.now(),
    tokenTimes: [],
    finished: undefined,
  };
  tracked.handle = engine.submit(
    { promptTokens: prompt, outputLength, finishReason: 'length' },
    {
      onToken: () => tracked.tokenTimes.push(clock.now()),
      onFinish: (reason) => {
        tracked.finished = reason;
      },
    },
  );
  return tracked;
}

const ttft = (t: Tracked) => t.tokenTimes[0]! - t.submittedAt;
const gaps = (t: Tracked) => t.tokenTimes.slice(1).map((time, i) => time - t.tokenTimes[i]!);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function setup() {
  const clock = new ManualClock();
  return { clock, engine: new Engine({ profile: H100_LLAMA_8B, clock }) };
}

test('idle TTFT of a 1,000-token prompt is within 50-65 ms', (t) => {
  const { clock, engine } = setup();
  const request = submit(engine, clock, tokens(1000), 8);
  clock.runUntil(() => request.finished !== undefined);
  t.diagnostic(`idle TTFT, 1,000-token prompt: ${ttft(request).toFixed(2)} ms`);
  assert.ok(ttft(request) >= 50 && ttft(request) <= 65, `TTFT ${ttft(request)} ms`);
  assert.equal(request.tokenTimes.length, 8);
  assert.equal(request.finished, 'length');
});

test('ITL at batch 1 with ~1k context is within 6.5-7.5 ms', (t) => {
  const { clock, engine } = setup();
  const request = submit(engine, clock, tokens(1000), 50);
  clock.runUntil(() => request.finished !== undefined);
  const itl = mean(gaps(request));
  t.diagnostic(`ITL batch 1: ${itl.toFixed(2)} ms`);
  assert.ok(itl >= 6.5 && itl <= 7.5, `ITL ${itl} ms`);
});

test('ITL at batch 64 with ~1.5k mean context is within 12-14 ms', (t) => {
  const { clock, engine } = setup();
  const requests = Array.from({ length: 64 }, (_, i) => submit(engine, clock, tokens(1500, i + 1), 40));
  clock.runUntil(() => requests.every((r) => r.finished !== undefined));
  // Gaps after every stream has started decoding: all 64 decode together.
  const lastFirstToken = Math.max(...requests.map((r) => r.tokenTimes[0]!));
  const steady = requests.flatMap((r) =>
    gaps(r).filter((_, i) => r.tokenTimes[i]! >= lastFirstToken && r.tokenTimes[i + 1]! > lastFirstToken),
  );
  assert.ok(steady.length > 64 * 20);
  const itl = mean(steady);
  t.diagnostic(`ITL batch 64: ${itl.toFixed(2)} ms`);
  assert.ok(itl >= 12 && itl <= 14, `ITL ${itl} ms`);
});

test('a 2,000-token prefill sharing the step raises running streams ITL by 70-100 ms', (t) => {
  const { clock, engine } = setup();
  const streams = Array.from({ length: 8 }, (_, i) => submit(engine, clock, tokens(500, i + 1), 60));
  clock.runUntil(() => streams.every((s) => s.tokenTimes.length >= 10));
  const before = mean(streams.flatMap((s) => gaps(s).slice(2)));
  const long = submit(engine, clock, tokens(2000, 99), 4);
  clock.runUntil(() => long.tokenTimes.length >= 1);
  // The step that finished the long prompt's prefill is the gap ending at its first token.
  const spikeEnd = long.tokenTimes[0]!;
  const spikes = streams.map((s) => {
    const i = s.tokenTimes.indexOf(spikeEnd);
    return s.tokenTimes[i]! - s.tokenTimes[i - 1]!;
  });
  const rise = mean(spikes) - before;
  t.diagnostic(`prefill spike: ITL ${before.toFixed(2)} ms -> ${mean(spikes).toFixed(2)} ms (+${rise.toFixed(2)} ms)`);
  assert.ok(rise >= 70 && rise <= 100, `ITL ${before.toFixed(2)} ms -> ${mean(spikes).toFixed(2)} ms`);
  clock.runUntil(() => streams.every((s) => s.finished !== undefined) && long.finished !== undefined);
});

test('the same 2,000-token prefix a second time gives a much shorter TTFT', (t) => {
  const { clock, engine } = setup();
  const prefix = tokens(2000, 5);
  const first = submit(engine, clock, [...prefix, ...tokens(20, 6)], 4);
  clock.runUntil(() => first.finished !== undefined);
  const second = submit(engine, clock, [...prefix, ...tokens(20, 7)], 4);
  clock.runUntil(() => second.finished !== undefined);
  t.diagnostic(
    `2,020-token prompt: cold TTFT ${ttft(first).toFixed(2)} ms, cached-prefix TTFT ${ttft(second).toFixed(2)} ms`,
  );
  assert.equal(second.handle.cachedTokens, 2000);
  assert.equal(first.handle.cachedTokens, 0);
  assert.ok(ttft(second) < ttft(first) / 3, `cold ${ttft(first)} ms, warm ${ttft(second)} ms`);
  assert.equal(engine.stats.prefixCacheHits, 2000);
  assert.equal(engine.stats.prefixCacheQueries, 2020 + 2020);
});
