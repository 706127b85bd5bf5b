// core/sse: the one SSE parser (sidecar stream taps, extension, benchmarks), fed bytes or text cut anywhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageJson, type SseMessage, SseParser } from '../../../core/sse/parser';
import { feedInChunks, responsesStream } from '../dialects/fixtures';

function readAll(text: string, size: number): SseMessage[] {
  const messages: SseMessage[] = [];
  const parser = new SseParser();
  feedInChunks(text, size, (chunk) => messages.push(...parser.push(chunk)));
  assert.equal(parser.atBoundary, true, `chunk size ${size}`);
  return messages;
}

test('the same messages whatever the chunk size, multi-byte characters and lines cut anywhere', () => {
  const text = responsesStream();
  const whole = readAll(text, text.length * 4);
  assert.equal(whole.length, 18);
  assert.equal(whole[0]?.event, 'response.created');
  for (const size of [1, 2, 3, 5, 7, 64, 1000]) assert.deepEqual(readAll(text, size), whole, `chunk size ${size}`);
  assert.ok(whole.some((message) => message.data.includes('wörld 🌍')));
});

test('CRLF line ends, multi-line data, comments and messages without an event name (bytes)', () => {
  const messages = readAll(': keep-alive\r\n\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: x\r\ndata:2\r\nid: 7\r\n\r\n', 3);
  assert.deepEqual(messages, [
    { event: 'message', data: '{"a":\n1}' },
    { event: 'x', data: '2', id: '7' },
  ]);
});

test('text chunks: CRLF split between chunks, multi-line data, comments, default event, id', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push(': hello\r\nevent: st'), []);
  assert.deepEqual(parser.push('ate\r\ndata: {"a":\r'), []);
  assert.deepEqual(parser.push('\ndata: 1}\r\n\r\ndata:x\n'), [{ event: 'state', data: '{"a":\n1}' }]);
  assert.deepEqual(parser.push('id: 7\n\n'), [{ event: 'message', data: 'x', id: '7' }]);
  assert.deepEqual(parser.push('event: lonely\n\n'), [], 'an event with no data is not dispatched');
});

test('a lone CR ends a line too', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('data: a\r\rdata: b\r'), [{ event: 'message', data: 'a' }]);
  assert.deepEqual(parser.push('\r'), [], 'a CR at the end of the text may be half of a CRLF');
  assert.deepEqual(parser.push('\n'), [{ event: 'message', data: 'b' }]);
  assert.equal(parser.atBoundary, true);
});

test('complete messages split off, the partial rest kept', () => {
  const parser = new SseParser();
  const data = (chunk: string) => parser.push(chunk).map((message) => message.data);
  assert.deepEqual(data('data: a\n\ndata: b\n\ndata: c'), ['a', 'b']);
  assert.deepEqual(data(''), []);
  assert.deepEqual(data('\n\ndata: [DONE]\n\n'), ['c', '[DONE]']);
});

test('knows when the bytes end inside a message (a tail may only follow a complete message)', () => {
  const parser = new SseParser();
  assert.equal(parser.atBoundary, true);
  parser.push(Buffer.from('event: response.output_text.delta\n'));
  assert.equal(parser.atBoundary, false);
  parser.push(Buffer.from('data: {"delta":"x"}\n'));
  assert.equal(parser.atBoundary, false);
  parser.push(Buffer.from('\n'));
  assert.equal(parser.atBoundary, true);
  parser.push(Buffer.from('data: {"del'));
  assert.equal(parser.atBoundary, false);
});

test('messageJson parses objects only', () => {
  assert.deepEqual(messageJson(' {"type":"ping"}'), { type: 'ping' });
  assert.equal(messageJson('[DONE]'), undefined);
  assert.equal(messageJson('{"broken"'), undefined);
  assert.equal(messageJson('[1]'), undefined);
  assert.equal(messageJson(''), undefined);
});
