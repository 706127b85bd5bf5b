import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageJson, SseParser } from '../../../core/sse/parser';
import { anthropicDialect } from '../../../sidecar/dialects/anthropic';
import { responsesDialect } from '../../../sidecar/dialects/responses';
import { type ResponseIdListener, ResponsesStreamTap } from '../../../sidecar/dialects/responsesStreamTap';
import {
  ANTHROPIC_STREAM_DELTAS,
  anthropicStream,
  feedInChunks,
  RESPONSES_STREAM_DELTAS,
  responsesStream,
} from './fixtures';

const SIZES = [1, 2, 3, 7, 13, 100, 100_000];

function recorder(): ResponseIdListener & { tokens: number[]; ids: string[] } {
  const tokens: number[] = [];
  const ids: string[] = [];
  return { tokens, ids, onTokens: (count, at) => tokens.push(count, at), onResponseId: (id) => ids.push(id) };
}

test('Responses tap: a token event per output delta (reasoning, text, arguments), usage from response.completed', () => {
  for (const size of SIZES) {
    let clock = 0;
    const listener = recorder();
    const tap = responsesDialect.streamTap(() => clock, listener);
    feedInChunks(
      responsesStream(),
      size,
      (chunk) => tap.push(chunk),
      () => (clock += 1),
    );
    assert.equal(listener.tokens.length / 2, RESPONSES_STREAM_DELTAS, `chunk size ${size}`);
    assert.ok(listener.tokens.every((value, i) => i % 2 === 1 || value === 1));
    const times = listener.tokens.filter((_, i) => i % 2 === 1);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    assert.equal(tap.outputTokens(), 42);
    assert.equal(tap.atBoundary, true);
    assert.deepEqual(listener.ids, ['resp_0a1b2c3d']);
  }
});

test('Responses tap: the first token is the first delta, not response.created; counted deltas without usage', () => {
  let clock = 0;
  const listener = recorder();
  const tap = new ResponsesStreamTap(() => clock, listener);
  const text = responsesStream({ completed: false });
  const firstDelta = text.indexOf('event: response.reasoning_text.delta');
  clock = 5;
  tap.push(Buffer.from(text.slice(0, firstDelta)));
  assert.equal(listener.tokens.length, 0);
  assert.equal(tap.responseId, 'resp_0a1b2c3d');
  clock = 9;
  tap.push(Buffer.from(text.slice(firstDelta)));
  assert.equal(listener.tokens[1], 9);
  assert.equal(tap.outputTokens(), RESPONSES_STREAM_DELTAS);
});

test('Responses tap: the failure tail names the stream response and continues its sequence numbers', () => {
  const tap = new ResponsesStreamTap(() => 0, recorder());
  tap.push(Buffer.from(responsesStream({ completed: false })));
  const parser = new SseParser();
  const events = parser.push(Buffer.from(tap.failureTail('replica r1: connection reset (ECONNRESET)')));
  assert.equal(parser.atBoundary, true);
  assert.deepEqual(
    events.map((event) => event.event),
    ['error', 'response.failed'],
  );
  const error = messageJson(events[0]?.data ?? '');
  assert.equal(error?.['type'], 'error');
  assert.equal(error?.['sequence_number'], 17);
  assert.equal(error?.['message'], 'replica r1: connection reset (ECONNRESET)');
  const failed = messageJson(events[1]?.data ?? '') as { sequence_number: number; response: Record<string, unknown> };
  assert.equal(failed.sequence_number, 18);
  assert.equal(failed.response['id'], 'resp_0a1b2c3d');
  assert.equal(failed.response['status'], 'failed');
  assert.equal(failed.response['created_at'], 1764900000);
  assert.deepEqual(failed.response['error'], {
    code: 'server_error',
    message: 'replica r1: connection reset (ECONNRESET)',
  });
  const stateless = responsesDialect.streamFailureTail('boom');
  assert.ok(!stateless.includes('[DONE]'));
  assert.match(stateless, /^event: error\ndata: \{"type":"error"/);
  assert.match(stateless, /\n\nevent: response\.failed\ndata: .*"status":"failed".*\n\n$/);
});

test('Anthropic tap: text, input_json and thinking deltas are tokens (signature and empty deltas not); usage from message_delta', () => {
  for (const size of SIZES) {
    let clock = 0;
    const listener = recorder();
    const tap = anthropicDialect.streamTap(() => clock, listener);
    feedInChunks(
      anthropicStream(),
      size,
      (chunk) => tap.push(chunk),
      () => (clock += 1),
    );
    assert.equal(listener.tokens.length / 2, ANTHROPIC_STREAM_DELTAS, `chunk size ${size}`);
    assert.equal(tap.outputTokens(), 37);
    assert.equal(tap.atBoundary, true);
  }
});

test('Anthropic tap: counted deltas when the stream broke before message_delta; message_start usage is not final', () => {
  const tap = anthropicDialect.streamTap(() => 0, recorder());
  const text = anthropicStream({ finished: false });
  tap.push(Buffer.from(text.slice(0, text.length - 3)));
  assert.equal(tap.atBoundary, false);
  tap.push(Buffer.from(text.slice(text.length - 3)));
  assert.equal(tap.atBoundary, true);
  assert.equal(tap.outputTokens(), ANTHROPIC_STREAM_DELTAS);
});

test('usage of non-streamed bodies', () => {
  assert.equal(responsesDialect.usageTokens({ object: 'response', usage: { input_tokens: 3, output_tokens: 11 } }), 11);
  assert.equal(responsesDialect.usageTokens({ usage: { completion_tokens: 4 } }), null);
  assert.equal(responsesDialect.usageTokens('x'), null);
  assert.equal(anthropicDialect.usageTokens({ type: 'message', usage: { input_tokens: 3, output_tokens: 9 } }), 9);
  assert.equal(anthropicDialect.usageTokens({ input_tokens: 812 }), null);
  assert.equal(anthropicDialect.usageTokens(null), null);
});
