import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildChatRequest,
  classifyPart,
  estimateTokens,
  ROLE_ASSISTANT,
  ROLE_USER,
  toOpenAIMessages,
  toOpenAIToolChoice,
  toOpenAITools,
} from '../../../extension/chat/messageMapping';

// Plain objects shaped like VS Code's part classes (LanguageModelTextPart, ToolCallPart, ToolResultPart).
const text = (value: string) => ({ value });
const call = (callId: string, name: string, input: object) => ({ callId, name, input });
const result = (callId: string, content: unknown[]) => ({ callId, content });
const user = (...content: unknown[]) => ({ role: ROLE_USER, content, name: undefined });
const assistant = (...content: unknown[]) => ({ role: ROLE_ASSISTANT, content, name: undefined });

test('parts are told apart by shape: a tool call is not mistaken for a result, nor a result for text', () => {
  assert.deepEqual(classifyPart(text('hi')), { kind: 'text', text: 'hi' });
  assert.deepEqual(classifyPart(call('c1', 'f', { a: 1 })), {
    kind: 'toolCall',
    callId: 'c1',
    name: 'f',
    input: { a: 1 },
  });
  assert.equal(classifyPart(result('c1', [text('x')])).kind, 'toolResult');
  assert.deepEqual(classifyPart({ value: { tsx: true } }), { kind: 'text', text: '{"tsx":true}' });
  const json = { mimeType: 'application/json', data: new TextEncoder().encode('{"a":1}') };
  assert.deepEqual(classifyPart(json), { kind: 'text', text: '{"a":1}' });
  assert.equal(classifyPart({ mimeType: 'image/png', data: new Uint8Array([1, 2]) }).kind, 'ignored');
  assert.equal(classifyPart(42).kind, 'ignored');
});

test('user and assistant text: parts concatenated into one string; names kept', () => {
  assert.deepEqual(
    toOpenAIMessages([
      { role: ROLE_USER, content: [text('Hello, '), text('world')], name: 'ana' },
      assistant(text('Hi!')),
    ]),
    [
      { role: 'user', content: 'Hello, world', name: 'ana' },
      { role: 'assistant', content: 'Hi!' },
    ],
  );
});

test('a tool round trip: assistant tool_calls (content null), then tool messages, then the user text', () => {
  const messages = [
    user(text('Open main.ts at line 3')),
    assistant(call('call_1', 'open_file', { path: 'main.ts', line: 3 }), call('call_2', 'git_blame', {})),
    user(result('call_1', [text('int main() {}')]), result('call_2', [text('a1b2 ana')]), text('Now explain it')),
  ];
  assert.deepEqual(toOpenAIMessages(messages), [
    { role: 'user', content: 'Open main.ts at line 3' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'open_file', arguments: '{"path":"main.ts","line":3}' } },
        { id: 'call_2', type: 'function', function: { name: 'git_blame', arguments: '{}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'int main() {}' },
    { role: 'tool', tool_call_id: 'call_2', content: 'a1b2 ana' },
    { role: 'user', content: 'Now explain it' },
  ]);
});

test('a user message holding only tool results adds no empty user message; assistant text with calls is kept', () => {
  const mapped = toOpenAIMessages([
    assistant(text('Let me look.'), call('c', 'ls', { dir: '.' })),
    user(result('c', [text('a.ts'), { value: ['b.ts'] }])),
  ]);
  assert.deepEqual(mapped, [
    {
      role: 'assistant',
      content: 'Let me look.',
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'ls', arguments: '{"dir":"."}' } }],
    },
    { role: 'tool', tool_call_id: 'c', content: 'a.ts["b.ts"]' },
  ]);
});

test('an empty user message stays (the model gets a turn); an empty assistant message is dropped', () => {
  assert.deepEqual(toOpenAIMessages([user(), assistant()]), [{ role: 'user', content: '' }]);
});

test('tools: inputSchema becomes parameters (an empty object schema when absent); tool modes', () => {
  const tools = [
    { name: 'a', description: 'A', inputSchema: { type: 'object', properties: { x: { type: 'string' } } } },
    { name: 'b', description: 'B' },
  ];
  assert.deepEqual(toOpenAITools(tools), [
    { type: 'function', function: { name: 'a', description: 'A', parameters: tools[0]?.inputSchema } },
    { type: 'function', function: { name: 'b', description: 'B', parameters: { type: 'object', properties: {} } } },
  ]);
  assert.equal(toOpenAITools([]), undefined);
  assert.equal(toOpenAIToolChoice(1, tools), 'auto');
  assert.equal(toOpenAIToolChoice(2, tools), 'required');
  assert.deepEqual(toOpenAIToolChoice(2, [tools[1]!]), { type: 'function', function: { name: 'b' } });
  assert.equal(toOpenAIToolChoice(1, undefined), undefined);
});

test('the request body: streamed with usage, modelOptions passed on but never over model/messages/stream', () => {
  const body = buildChatRequest({
    model: 'm',
    messages: [user(text('hi'))],
    modelOptions: { temperature: 0.2, max_tokens: 64, model: 'evil', stream: false, stop: ['\n'] },
  });
  assert.deepEqual(body, {
    temperature: 0.2,
    max_tokens: 64,
    stop: ['\n'],
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const withTools = buildChatRequest({
    model: 'm',
    messages: [],
    tools: [{ name: 't', description: '' }],
    toolMode: 1,
  });
  assert.equal(withTools['tool_choice'], 'auto');
  assert.equal((withTools['tools'] as unknown[]).length, 1);
});

test('token estimate: 4 characters per token, over text, tool calls and tool results', () => {
  assert.equal(estimateTokens(''), 0);
  assert.equal(estimateTokens('abcd'), 1);
  assert.equal(estimateTokens('abcde'), 2);
  assert.equal(estimateTokens(user(text('abcd'), text('efgh'))), 2);
  assert.equal(estimateTokens(assistant(call('c', 'ab', { x: 1 }))), Math.ceil((2 + '{"x":1}'.length) / 4));
  assert.equal(estimateTokens(user(result('c', [text('12345678')]))), 2);
});
