// /tokenize and /detokenize at the root, with vLLM's request and response fields.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { postJson } from './helpers';

const MODEL = 'Qwen/Qwen3-0.6B';
let fleet: SimFleet;
let base: string;

before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast', apiKey: 'secret' });
  base = fleet.urls[0]!;
});

after(async () => {
  await fleet.close();
});

test('tokenize a prompt (no API key needed at the root), then detokenize it back', async () => {
  const text = 'Load balancing for vLLM replicas.';
  const tokenized = await postJson(`${base}/tokenize`, { model: MODEL, prompt: text, return_token_strs: true });
  assert.equal(tokenized.status, 200);
  const body = tokenized.body as { count: number; max_model_len: number; tokens: number[]; token_strs: string[] };
  assert.deepEqual(Object.keys(body), ['count', 'max_model_len', 'tokens', 'token_strs']);
  assert.equal(body.count, body.tokens.length);
  assert.equal(body.max_model_len, 32768);
  assert.equal(body.token_strs.join(''), text);
  const plain = await postJson(`${base}/tokenize`, { prompt: text });
  assert.equal(plain.body['token_strs'], null);
  const back = await postJson(`${base}/detokenize`, { model: MODEL, tokens: body.tokens });
  assert.deepEqual(back.body, { prompt: text });
});

test('tokenize messages counts what a chat completion reports as prompt_tokens', async () => {
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Count my tokens.' },
  ];
  const tokenized = await postJson(`${base}/tokenize`, { model: MODEL, messages });
  const chat = await postJson(
    `${base}/v1/chat/completions`,
    { model: MODEL, messages, max_tokens: 2 },
    { authorization: 'Bearer secret' },
  );
  assert.equal(tokenized.body['count'], (chat.body['usage'] as { prompt_tokens: number }).prompt_tokens);
});

test('bad input: 400 for a missing prompt, bad or out-of-vocabulary ids; 404 for a model not served', async () => {
  assert.equal((await postJson(`${base}/tokenize`, { model: MODEL })).status, 400);
  assert.equal((await postJson(`${base}/detokenize`, { tokens: [1, -2] })).status, 400);
  const oov = await postJson(`${base}/detokenize`, { tokens: [10_000_000] });
  assert.equal(oov.status, 400);
  assert.match(String((oov.body['error'] as { message: string }).message), /out of vocabulary/);
  const unknown = await postJson(`${base}/tokenize`, { model: 'other', prompt: 'x' });
  assert.equal(unknown.status, 404);
  assert.equal((await fetch(`${base}/v1/tokenize`, { method: 'POST' })).status, 401);
});
