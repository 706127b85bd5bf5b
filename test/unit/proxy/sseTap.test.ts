import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseTap, usageTokensOf } from '../../../sidecar/dialects/openaiSseTap';

const chunk = (content: string) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

test('counts content deltas and timestamps them, across arbitrary chunk splits', () => {
  let t = 0;
  const seen: number[] = [];
  const tap = new SseTap(() => t, { onTokens: (count, at) => seen.push(count, at) });
  const role = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}\n\n`;
  const text = role + chunk('Hel') + chunk('lo') + chunk('é') + 'data: [DONE]\n\n';
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += 7) {
    t += 1;
    tap.push(bytes.subarray(i, i + 7));
  }
  assert.equal(tap.tokens(), 3);
  assert.equal(seen.length, 6);
  assert.equal(tap.atBoundary, true);
  assert.ok(tap.firstEventAt !== null);
});

test('the usage chunk wins when the client asked for it', () => {
  const tap = new SseTap(() => 0, { onTokens() {} });
  tap.push(Buffer.from(chunk('a') + chunk('b')));
  tap.push(Buffer.from(`data: ${JSON.stringify({ choices: [], usage: { completion_tokens: 9 } })}\n\n`));
  assert.equal(tap.tokens(), 9);
  assert.equal(tap.deltaTokens, 2);
});

test('knows when it is in the middle of an event', () => {
  const tap = new SseTap(() => 0, { onTokens() {} });
  tap.push(Buffer.from('data: {"choices":'));
  assert.equal(tap.atBoundary, false);
  tap.push(Buffer.from('[]}\n\n'));
  assert.equal(tap.atBoundary, true);
});

test('completions text and CRLF line ends', () => {
  const tap = new SseTap(() => 0, { onTokens() {} });
  tap.push(
    Buffer.from('data: {"choices":[{"index":0,"text":"x"}]}\r\n\r\ndata: {"choices":[{"index":0,"text":""}]}\r\n\r\n'),
  );
  assert.equal(tap.tokens(), 1);
});

test('usage of a JSON body', () => {
  assert.equal(usageTokensOf('{"usage":{"completion_tokens":4}}'), 4);
  assert.equal(usageTokensOf('nope'), null);
});
