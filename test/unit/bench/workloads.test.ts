import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePlan } from '../../../bench/plan';
import { seededRandom } from '../../../bench/random';
import { fillerText } from '../../../bench/text';
import { multiTurn, prefixRepetition, randomWorkload, requestCount, sizing } from '../../../bench/workloads';

const promptText = (messages: { content: string }[]) => messages.map((m) => m.content).join('');

test('filler text: exactly 4 characters per token, starts with its label, same seed same text', () => {
  const a = fillerText(seededRandom(1), 100, '[label]');
  assert.equal(a.length, 400);
  assert.ok(a.startsWith('[label]'));
  assert.equal(a, fillerText(seededRandom(1), 100, '[label]'));
});

test('multi-turn: each turn resends the previous ones (a prefix), prompt tokens add up', () => {
  const w = multiTurn({
    sessions: 3,
    turns: 4,
    systemTokens: 100,
    userTokens: 40,
    historyAnswerTokens: 10,
    maxTokens: 8,
    seed: 1,
  });
  assert.equal(requestCount(w), 12);
  for (const session of w.sessions) {
    for (let t = 1; t < session.turns.length; t++) {
      const before = session.turns[t - 1]!.messages;
      const after = session.turns[t]!.messages;
      assert.deepEqual(after.slice(0, before.length), before);
      assert.equal(after.length, before.length + 2);
    }
    session.turns.forEach((turn, t) => {
      assert.equal(turn.promptTokens, 100 + (t + 1) * 40 + t * 10);
      assert.equal(promptText(turn.messages).length, turn.promptTokens * 4);
    });
  }
  // The system prompt is shared, the first user turn is not.
  assert.equal(w.sessions[0]!.turns[0]!.messages[0], w.sessions[1]!.turns[0]!.messages[0]);
  assert.notEqual(w.sessions[0]!.turns[0]!.messages[1]!.content, w.sessions[1]!.turns[0]!.messages[1]!.content);
  assert.equal(w.workingSetTokens, 100 + 3 * (4 * 40 + 3 * 10));
});

test('prefix repetition: requests share one of N prefixes, suffixes are unique', () => {
  const w = prefixRepetition({ prefixes: 5, prefixTokens: 50, suffixTokens: 10, requests: 40, maxTokens: 4, seed: 2 });
  assert.equal(requestCount(w), 40);
  const prefixes = new Set(w.sessions.map((s) => s.turns[0]!.messages[0]!.content));
  assert.ok(prefixes.size <= 5 && prefixes.size >= 2);
  const suffixes = new Set(w.sessions.map((s) => s.turns[0]!.messages[1]!.content));
  assert.equal(suffixes.size, 40);
  assert.equal(w.workingSetTokens, 250);
});

test('random: lengths within bounds, some very long, outputs within range', () => {
  const w = randomWorkload({
    requests: 400,
    medianPromptTokens: 300,
    longShare: 0.1,
    longTokens: 4000,
    minOutput: 8,
    maxOutput: 64,
    seed: 3,
  });
  const lengths = w.sessions.map((s) => s.turns[0]!.promptTokens);
  assert.ok(lengths.every((n) => n >= 16 && n <= 4000));
  const long = lengths.filter((n) => n === 4000).length;
  assert.ok(long > 20 && long < 70, `long ${long}`);
  assert.ok(w.sessions.every((s) => s.turns[0]!.maxTokens >= 8 && s.turns[0]!.maxTokens <= 64));
});

test('sizing: the plan puts multi-turn and prefix-repetition between one replica and the fleet', () => {
  for (const quick of [true, false]) {
    const plan = makePlan(quick);
    for (const name of ['multi-turn', 'prefix-repetition'] as const) {
      const s = sizing(plan.workloads[name].workload, plan.kvBlocks * plan.blockSize, plan.replicas);
      assert.ok(s.inRegime, `${name} quick=${quick}: ${s.overReplica} × one replica, ${s.overFleet} × fleet`);
      assert.ok(s.overReplica >= 1.5, `${name} quick=${quick}: working set only ${s.overReplica} × one replica`);
    }
  }
  const w = multiTurn({
    sessions: 1,
    turns: 1,
    systemTokens: 10,
    userTokens: 10,
    historyAnswerTokens: 0,
    maxTokens: 1,
    seed: 0,
  });
  assert.equal(sizing(w, 100, 4).inRegime, false);
});
