import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toRoutedRequest } from '../../../sidecar/balancer/routedRequest';

test('chat messages render in order with roles, string and array-of-parts content alike', () => {
  const asString = toRoutedRequest(
    {
      model: 'llama',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi there' },
      ],
    },
    {},
  );
  const asParts = toRoutedRequest(
    {
      model: 'llama',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are terse.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi ' },
            { type: 'text', text: 'there' },
          ],
        },
      ],
    },
    {},
  );
  assert.equal(asString.model, 'llama');
  assert.equal(asString.promptText, '<|system|>\nYou are terse.\n<|user|>\nHi there\n');
  assert.equal(asParts.promptText, asString.promptText);
});

test('a growing conversation keeps its rendered prefix', () => {
  const history = [
    { role: 'system', content: 'S' },
    { role: 'user', content: 'Q1' },
  ];
  const first = toRoutedRequest({ messages: history }, {}).promptText;
  const second = toRoutedRequest(
    { messages: [...history, { role: 'assistant', content: 'A1' }, { role: 'user', content: 'Q2' }] },
    {},
  ).promptText;
  assert.ok(second.startsWith(first));
  assert.notEqual(second, first);
});

test('images count as a short stable marker, different images differ', () => {
  const body = (url: string) => ({
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url } },
          { type: 'text', text: 'what is this' },
        ],
      },
    ],
  });
  const a = toRoutedRequest(body(`data:image/png;base64,${'A'.repeat(100_000)}`), {}).promptText;
  const b = toRoutedRequest(body(`data:image/png;base64,${'B'.repeat(100_000)}`), {}).promptText;
  assert.ok(a.length < 100);
  assert.notEqual(a, b);
  assert.match(a, /what is this/);
});

test('completions prompt: a string, an array of strings, token ids', () => {
  assert.equal(toRoutedRequest({ prompt: 'once upon' }, {}).promptText, 'once upon');
  assert.equal(toRoutedRequest({ prompt: ['a', 'b'] }, {}).promptText, 'a\nb');
  assert.equal(toRoutedRequest({ prompt: [1, 2, 3] }, {}).promptText, '1 2 3');
  assert.equal(toRoutedRequest({ input: 'embed me' }, {}).promptText, 'embed me');
  assert.equal(toRoutedRequest({ model: 'x' }, {}).promptText, '');
});

test('session key: header x-session-id, else body user; cache salt', () => {
  const body = { model: 'm', user: 'alice', cache_salt: 'tenant-1', prompt: 'p' };
  assert.equal(toRoutedRequest(body, { 'x-session-id': 's-1' }).sessionKey, 's-1');
  assert.equal(toRoutedRequest(body, { 'x-session-id': ['s-2', 's-3'] }).sessionKey, 's-2');
  assert.equal(toRoutedRequest(body, { 'X-Session-Id': 's-4' }).sessionKey, 's-4');
  assert.equal(toRoutedRequest(body, {}).sessionKey, 'alice');
  assert.equal(toRoutedRequest(body, {}).cacheSalt, 'tenant-1');
  assert.equal(toRoutedRequest({}, {}).sessionKey, undefined);
  assert.equal(toRoutedRequest('not an object', {}).model, undefined);
});
