import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type OutputRequest, planOutput } from '../../../sim/textGen';
import { CHARS_PER_TOKEN, countTokens, tokenize } from '../../../sim/tokenizer';

const base: OutputRequest = {
  seed: 1,
  promptHash: 12345,
  choiceIndex: 0,
  maxTokens: 1000,
  minTokens: 0,
  ignoreEos: false,
  stop: [],
  naturalLength: { min: 10, max: 40 },
};

test('the tokenizer gives ~4 characters per token, deterministically, prefix-stable', () => {
  const text = 'The quick brown fox jumps over the lazy dog.';
  assert.equal(tokenize(text).length, Math.ceil(text.length / CHARS_PER_TOKEN));
  assert.equal(countTokens(text), tokenize(text).length);
  assert.deepEqual(tokenize(text), tokenize(text));
  const longer = tokenize(`${text} And then some more.`);
  assert.deepEqual(longer.slice(0, 11), tokenize(text).slice(0, 11));
  assert.notDeepEqual(tokenize('abcd'), tokenize('abce'));
});

test('the same request gives the same answer; another seed or choice gives another', () => {
  const a = planOutput(base);
  assert.deepEqual(planOutput(base), a);
  assert.notDeepEqual(planOutput({ ...base, seed: 2 }).pieces, a.pieces);
  assert.notDeepEqual(planOutput({ ...base, choiceIndex: 1 }).pieces, a.pieces);
});

test('a natural answer ends with an empty EOS piece and finish_reason stop, within the natural length', () => {
  const plan = planOutput(base);
  assert.ok(plan.pieces.length >= 10 && plan.pieces.length <= 40);
  assert.equal(plan.pieces[plan.pieces.length - 1], '');
  assert.equal(plan.finishReason, 'stop');
  assert.equal(plan.stopReason, null);
});

test('max_tokens cuts with finish_reason length; ignore_eos always runs to max_tokens; min_tokens lengthens', () => {
  const capped = planOutput({ ...base, maxTokens: 5 });
  assert.equal(capped.pieces.length, 5);
  assert.equal(capped.finishReason, 'length');
  const forced = planOutput({ ...base, maxTokens: 300, ignoreEos: true });
  assert.equal(forced.pieces.length, 300);
  assert.equal(forced.finishReason, 'length');
  assert.ok(forced.pieces.every((p) => p.length > 0));
  const long = planOutput({ ...base, minTokens: 80 });
  assert.equal(long.pieces.length, 80);
});

test('a stop string cuts the text before it, even across pieces', () => {
  const full = planOutput({ ...base, maxTokens: 60, ignoreEos: true }).pieces.join('');
  const stop = full.slice(20, 26);
  const plan = planOutput({ ...base, maxTokens: 60, ignoreEos: true, stop: ['never-there', stop] });
  assert.equal(plan.pieces.join(''), full.slice(0, full.indexOf(stop)));
  assert.equal(plan.finishReason, 'stop');
  assert.equal(plan.stopReason, stop);
});
