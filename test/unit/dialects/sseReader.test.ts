import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventJson, type SseEvent, SseReader } from '../../../sidecar/dialects/sseReader';
import { feedInChunks, responsesStream } from './fixtures';

function readAll(text: string, size: number): SseEvent[] {
  const events: SseEvent[] = [];
  const reader = new SseReader((event) => events.push(event));
  feedInChunks(text, size, (chunk) => reader.push(chunk));
  assert.equal(reader.atBoundary, true, `chunk size ${size}`);
  return events;
}

test('the same events whatever the chunk size, multi-byte characters and lines cut anywhere', () => {
  const text = responsesStream();
  const whole = readAll(text, text.length * 4);
  assert.equal(whole.length, 18);
  assert.equal(whole[0]?.event, 'response.created');
  for (const size of [1, 2, 3, 5, 7, 64, 1000]) assert.deepEqual(readAll(text, size), whole, `chunk size ${size}`);
  assert.ok(whole.some((event) => event.data.includes('wörld 🌍')));
});

test('CRLF line ends, multi-line data, comments and events without a name', () => {
  const events = readAll(': keep-alive\r\n\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: x\r\ndata:2\r\nid: 7\r\n\r\n', 3);
  assert.deepEqual(events, [
    { event: null, data: '{"a":\n1}' },
    { event: 'x', data: '2' },
  ]);
});

test('knows when the bytes end inside an event (a tail may only follow a complete event)', () => {
  const reader = new SseReader(() => {});
  assert.equal(reader.atBoundary, true);
  reader.push(Buffer.from('event: response.output_text.delta\n'));
  assert.equal(reader.atBoundary, false);
  reader.push(Buffer.from('data: {"delta":"x"}\n'));
  assert.equal(reader.atBoundary, false);
  reader.push(Buffer.from('\n'));
  assert.equal(reader.atBoundary, true);
  reader.push(Buffer.from('data: {"del'));
  assert.equal(reader.atBoundary, false);
});

test('eventJson parses objects only', () => {
  assert.deepEqual(eventJson(' {"type":"ping"}'), { type: 'ping' });
  assert.equal(eventJson('[DONE]'), undefined);
  assert.equal(eventJson('{"broken"'), undefined);
  assert.equal(eventJson('[1]'), undefined);
  assert.equal(eventJson(''), undefined);
});
