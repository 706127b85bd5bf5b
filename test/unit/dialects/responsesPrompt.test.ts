import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROMPT_BUDGET_CHARS } from '../../../sidecar/dialects/promptWriter';
import { responsesDialect, responsesSessionKey } from '../../../sidecar/dialects/responses';
import { renderResponsesPrompt } from '../../../sidecar/dialects/responsesPrompt';
import { APPLY_PATCH_TOOL, CODEX_INSTRUCTIONS, codexTurn1, codexTurn2, SHELL_TOOL, userMessage } from './fixtures';

const REPO_A = 'cwd: /home/ana/billing\nREADME: invoices and payments';
const REPO_B = 'cwd: /home/bo/search\nREADME: a full-text index';

test("an agent's growing conversation keeps its rendered prefix", () => {
  const first = renderResponsesPrompt(codexTurn1(REPO_A));
  const second = renderResponsesPrompt(codexTurn2(REPO_A));
  assert.ok(second.length > first.length);
  assert.ok(second.startsWith(first));
  const tail = second.slice(first.length);
  assert.match(tail, /Looking at the test output first\./);
  assert.match(tail, /<\|function_call shell\|>\n\{"command":\["npm","test"\]\}/);
  assert.match(tail, /<\|function_call_output\|>\nFAIL test\/a\.test\.ts/);
});

test('template order: instructions, then tools with their full schemas, then the input items', () => {
  const text = renderResponsesPrompt(codexTurn1(REPO_A));
  const system = text.indexOf(`<|system|>\n${CODEX_INSTRUCTIONS}`);
  const tools = text.indexOf('<|tools|>\n');
  const context = text.indexOf('<environment_context>');
  assert.equal(system, 0);
  assert.ok(tools > system && context > tools);
  assert.ok(text.includes('"The timeout in milliseconds"'));
  assert.ok(text.includes('"additionalProperties":false'));
});

test('different repository contexts give different prompts that share the instructions and tools', () => {
  const a = renderResponsesPrompt(codexTurn1(REPO_A));
  const b = renderResponsesPrompt(codexTurn1(REPO_B));
  assert.notEqual(a, b);
  const shared = a.indexOf('<environment_context>');
  assert.equal(a.slice(0, shared), b.slice(0, shared));
});

test('tool definitions count, whatever order their keys were written in', () => {
  const body = codexTurn1(REPO_A);
  const withoutTools = renderResponsesPrompt({ ...body, tools: [] });
  const oneTool = renderResponsesPrompt({ ...body, tools: [SHELL_TOOL] });
  assert.notEqual(withoutTools, oneTool);
  const changedSchema = structuredClone(SHELL_TOOL);
  changedSchema.parameters.properties.workdir.description = 'Where to run it';
  assert.notEqual(renderResponsesPrompt({ ...body, tools: [changedSchema] }), oneTool);
  const reordered: Record<string, unknown> = Object.fromEntries(Object.entries(SHELL_TOOL).reverse());
  reordered['parameters'] = Object.fromEntries(Object.entries(SHELL_TOOL.parameters).reverse());
  assert.equal(renderResponsesPrompt({ ...body, tools: [reordered] }), oneTool);
  // Tool order is part of the template.
  assert.notEqual(
    renderResponsesPrompt({ ...body, tools: [APPLY_PATCH_TOOL, SHELL_TOOL] }),
    renderResponsesPrompt({ ...body, tools: [SHELL_TOOL, APPLY_PATCH_TOOL] }),
  );
});

test('the same output from two independent calls; ids, statuses and sampling fields do not count', () => {
  const body = codexTurn2(REPO_A);
  assert.equal(renderResponsesPrompt(body), renderResponsesPrompt(structuredClone(body)));
  const varied = structuredClone(body);
  varied['temperature'] = 0.2;
  varied['stream'] = false;
  for (const item of varied['input'] as Record<string, unknown>[]) {
    if ('id' in item) item['id'] = `${String(item['id'])}-other`;
    if ('status' in item) item['status'] = 'in_progress';
  }
  assert.equal(renderResponsesPrompt(varied), renderResponsesPrompt(body));
});

test('message forms: a string input, string content, output_text and refusal parts, images as stable markers', () => {
  assert.equal(renderResponsesPrompt({ input: 'hi' }), '<|user|>\nhi\n');
  assert.equal(
    renderResponsesPrompt({ input: [{ role: 'developer', content: 'be brief' }] }),
    '<|developer|>\nbe brief\n',
  );
  const assistant = renderResponsesPrompt({
    input: [
      {
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'Done', annotations: [] },
          { type: 'refusal', refusal: ' but no' },
        ],
      },
    ],
  });
  assert.equal(assistant, '<|assistant|>\nDone but no\n');
  const image = (url: string) =>
    renderResponsesPrompt({
      input: [{ role: 'user', content: [{ type: 'input_image', image_url: url, detail: 'auto' }] }],
    });
  assert.equal(image('data:image/png;base64,AAAA'), image('data:image/png;base64,AAAA'));
  assert.notEqual(image('data:image/png;base64,AAAA'), image('data:image/png;base64,BBBB'));
  assert.match(image('https://x/y.png'), /^<\|user\|>\n<\|input_image:[0-9a-f]{8}\|>\n$/);
});

test('reasoning items: content text first, else summary text; tool outputs given as parts', () => {
  const reasoning = (item: Record<string, unknown>) =>
    renderResponsesPrompt({ input: [{ type: 'reasoning', ...item }] });
  assert.equal(
    reasoning({
      summary: [{ type: 'summary_text', text: 'short' }],
      content: [{ type: 'reasoning_text', text: 'long' }],
    }),
    '<|reasoning|>\nlong\n',
  );
  assert.equal(reasoning({ summary: [{ type: 'summary_text', text: 'short' }] }), '<|reasoning|>\nshort\n');
  assert.equal(
    renderResponsesPrompt({
      input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_text', text: 'ok' }] }],
    }),
    '<|function_call_output|>\nok\n',
  );
  assert.equal(
    renderResponsesPrompt({ input: [{ type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch' }] }),
    '<|custom_tool_call apply_patch|>\n*** Begin Patch\n',
  );
});

test('hostile bodies render without throwing: wrong types, deep nesting, huge input cut at the budget', () => {
  for (const body of [
    {},
    { input: 42 },
    { input: [null, 1, 'x', [], { type: 7 }] },
    { instructions: { no: 1 }, tools: 'x' },
    { tools: [{ a: undefined, b: () => 1 }] },
  ]) {
    assert.equal(typeof renderResponsesPrompt(body as Record<string, unknown>), 'string');
  }
  let deep: unknown = 'bottom';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const text = renderResponsesPrompt({ tools: [deep], input: [{ type: 'local_shell_call', action: deep }] });
  assert.match(text, /<\|deep\|>/);
  const huge = renderResponsesPrompt({ input: Array.from({ length: 5000 }, () => userMessage('x'.repeat(100))) });
  assert.equal(huge.length, PROMPT_BUDGET_CHARS);
});

test('session key: the sidecar header, then what Codex sends (session_id header, prompt_cache_key), then user', () => {
  const body = codexTurn1(REPO_A);
  assert.equal(responsesSessionKey(body, {}), '0199a3c1-5c1e-7d32-9b61-2f4c3e8a1b70');
  assert.equal(responsesSessionKey(body, { session_id: 'sess-1' }), 'sess-1');
  assert.equal(responsesSessionKey(body, { session_id: 'sess-1', 'x-session-id': 'mine' }), 'mine');
  assert.equal(responsesSessionKey(body, { conversation_id: ['conv-9'] }), 'conv-9');
  assert.equal(responsesSessionKey({ user: 'u1' }, {}), 'u1');
  assert.equal(responsesSessionKey({ conversation: { id: 'conv_1' }, user: 'u1' }, {}), 'conv_1');
  assert.equal(responsesSessionKey({}, { session_id: '  ' }), undefined);
  const routed = responsesDialect.routedRequest({ ...body, cache_salt: 'tenant-a' }, { session_id: 'sess-1' });
  assert.equal(routed.model, 'qwen-coder');
  assert.equal(routed.sessionKey, 'sess-1');
  assert.equal(routed.cacheSalt, 'tenant-a');
  assert.ok(routed.promptText.startsWith('<|system|>'));
  assert.equal(responsesDialect.isStream(body), true);
  assert.equal(responsesDialect.isStream({ stream: 'yes' }), false);
});
