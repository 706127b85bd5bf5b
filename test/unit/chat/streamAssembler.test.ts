import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatStreamAssembler, EndpointError, errorFromBody } from '../../../extension/chat/streamAssembler';

const chunk = (delta: Record<string, unknown>, finish: string | null = null, index = 0) =>
  JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index, delta, finish_reason: finish }] });

test('text deltas come out as they arrive; empty deltas and the role chunk emit nothing', () => {
  const a = new ChatStreamAssembler();
  assert.deepEqual(a.push(chunk({ role: 'assistant', content: '' })), []);
  assert.deepEqual(a.push(chunk({ content: 'Hel' })), [{ kind: 'text', text: 'Hel' }]);
  assert.deepEqual(a.push(chunk({ content: 'lo' }, 'stop')), [{ kind: 'text', text: 'lo' }]);
  assert.equal(a.finishReason, 'stop');
  assert.deepEqual(a.push('{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}'), []);
  assert.deepEqual(a.usage, { promptTokens: 7, completionTokens: 2 });
  assert.deepEqual(a.push('[DONE]'), []);
});

test('tool-call deltas are buffered by index and emitted whole at the finish reason', () => {
  const a = new ChatStreamAssembler();
  assert.deepEqual(
    a.push(
      chunk({
        tool_calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'read', arguments: '' } },
          { index: 1, id: 'call_b', type: 'function', function: { name: 'list', arguments: '{"d' } },
        ],
      }),
    ),
    [],
  );
  a.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"path": "a' } }] }));
  a.push(chunk({ tool_calls: [{ index: 1, function: { arguments: '":"."}' } }] }));
  a.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '.ts"}' } }] }));
  assert.deepEqual(a.push(chunk({}, 'tool_calls')), [
    { kind: 'toolCall', callId: 'call_a', name: 'read', input: { path: 'a.ts' } },
    { kind: 'toolCall', callId: 'call_b', name: 'list', input: { d: '.' } },
  ]);
  assert.deepEqual(a.push('[DONE]'), [], 'not emitted twice');
});

test('tool calls still pending at [DONE] (no finish reason) are flushed; empty arguments mean {}', () => {
  const a = new ChatStreamAssembler();
  a.push(chunk({ tool_calls: [{ index: 0, id: 'x', function: { name: 'now', arguments: '' } }] }));
  assert.deepEqual(a.push('[DONE]'), [{ kind: 'toolCall', callId: 'x', name: 'now', input: {} }]);
});

test('arguments that are not a JSON object are an error naming the tool', () => {
  const a = new ChatStreamAssembler();
  a.push(chunk({ tool_calls: [{ index: 0, id: 'x', function: { name: 'edit', arguments: '{"broken' } }] }));
  assert.throws(() => a.push(chunk({}, 'tool_calls')), /tool "edit".*not a JSON object/);
});

test('the sidecar mid-stream error tail becomes an EndpointError with its message and code', () => {
  const a = new ChatStreamAssembler();
  a.push(chunk({ content: 'partial' }));
  const tail =
    '{"error":{"message":"replica gpu-a failed mid-stream: other side closed","type":"upstream_error","param":null,"code":502}}';
  assert.throws(
    () => a.push(tail),
    (error: unknown) =>
      error instanceof EndpointError &&
      error.status === 502 &&
      error.type === 'upstream_error' &&
      /gpu-a failed/.test(error.message),
  );
});

test('only the first choice is reported (n > 1 streams interleave choices)', () => {
  const a = new ChatStreamAssembler();
  assert.deepEqual(a.push(chunk({ content: 'zero' }, null, 0)), [{ kind: 'text', text: 'zero' }]);
  const two = JSON.stringify({
    choices: [
      { index: 1, delta: { content: 'one' }, finish_reason: null },
      { index: 0, delta: { content: '!' }, finish_reason: null },
    ],
  });
  assert.deepEqual(a.push(two), [{ kind: 'text', text: '!' }]);
  assert.deepEqual(a.push(chunk({ content: 'one' }, null, 1)), []);
});

test('error bodies: OpenAI shape, vLLM/FastAPI detail, plain text', () => {
  const openai = errorFromBody(
    { error: { message: 'no healthy replica', type: 'service_unavailable', param: null, code: 503 } },
    503,
  );
  assert.equal(openai.message, 'no healthy replica');
  assert.equal(openai.status, 503);
  assert.equal(errorFromBody({ detail: 'Not Found' }, 404).message, 'Not Found');
  assert.equal(errorFromBody({ error: 'Unauthorized' }, 401).message, 'Unauthorized');
  assert.equal(errorFromBody(undefined, 500).message, 'HTTP 500');
});
