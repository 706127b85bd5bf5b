import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anthropicDialect, anthropicSessionKey } from '../../../sidecar/dialects/anthropic';
import { renderAnthropicPrompt } from '../../../sidecar/dialects/anthropicPrompt';
import { claudeSystem, READ_TOOL } from './fixtures';

const USER_ID_LEGACY = 'user_2f1e_account__session_57a121ec-f78c-48c3-a745-e3036a3ecc33';

/** A Claude Code request; like Claude Code, the cache_control marker sits on the newest user turn only. */
function claudeTurn(turns: number, repository: string, requestHash = 'a1b2c'): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [
    {
      role: 'user',
      content: [
        { type: 'text', text: `<system-reminder>repository: ${repository}</system-reminder>` },
        { type: 'text', text: 'Why does the build fail?' },
      ],
    },
  ];
  if (turns >= 2) {
    messages.push(
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Read the config first.', signature: 'EqQBCgIYAhIM' },
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: '/repo/tsconfig.json' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: '{"strict":true}' }] },
        ],
      },
    );
  }
  const last = messages[messages.length - 1]?.['content'] as Record<string, unknown>[];
  const lastBlock = last[last.length - 1];
  if (lastBlock) lastBlock['cache_control'] = { type: 'ephemeral' };
  return {
    model: 'qwen-coder',
    max_tokens: 32000,
    stream: true,
    system: claudeSystem(requestHash),
    tools: [{ ...READ_TOOL, cache_control: { type: 'ephemeral' } }],
    messages,
    metadata: { user_id: USER_ID_LEGACY },
  };
}

test("Claude Code's growing conversation keeps its prefix although cache_control moved to the newest turn", () => {
  const first = renderAnthropicPrompt(claudeTurn(1, 'billing'));
  const second = renderAnthropicPrompt(claudeTurn(2, 'billing'));
  assert.ok(second.length > first.length);
  assert.ok(second.startsWith(first));
  const tail = second.slice(first.length);
  assert.match(tail, /^<\|assistant\|>\n<\|thinking\|>Read the config first\.Let me look\.<\|tool_use Read\|>/);
  assert.match(tail, /<\|user\|>\n<\|tool_result\|>\{"strict":true\}\n$/);
});

test('the per-request billing header block is left out, as vLLM does', () => {
  const a = renderAnthropicPrompt(claudeTurn(1, 'billing', 'hash-one'));
  const b = renderAnthropicPrompt(claudeTurn(1, 'billing', 'hash-two'));
  assert.equal(a, b);
  assert.ok(!a.includes('x-anthropic-billing-header'));
  assert.ok(a.startsWith("<|system|>\nYou are Claude Code, Anthropic's official CLI for Claude."));
});

test('template order: system, tools with their schemas, messages; different repositories differ after the shared part', () => {
  const a = renderAnthropicPrompt(claudeTurn(1, 'billing'));
  const b = renderAnthropicPrompt(claudeTurn(1, 'search'));
  assert.notEqual(a, b);
  const tools = a.indexOf('<|tools|>\n');
  const user = a.indexOf('<|user|>\n');
  assert.ok(tools > 0 && user > tools);
  assert.ok(a.includes('"The absolute path to the file to read"'));
  assert.ok(!a.includes('cache_control'));
  assert.equal(a.slice(0, user), b.slice(0, user));
});

test('tools count; their key order and cache_control do not', () => {
  const body = claudeTurn(1, 'billing');
  const none = renderAnthropicPrompt({ ...body, tools: [] });
  const plain = renderAnthropicPrompt({ ...body, tools: [READ_TOOL] });
  assert.notEqual(none, plain);
  const reordered = Object.fromEntries(Object.entries(READ_TOOL).reverse());
  assert.equal(
    renderAnthropicPrompt({ ...body, tools: [{ ...reordered, cache_control: { type: 'ephemeral' } }] }),
    plain,
  );
});

test('system as a string, as text blocks, or as system-role messages renders the same', () => {
  const messages = [{ role: 'user', content: 'hi' }];
  const expected = '<|system|>\nBe brief.\n<|user|>\nhi\n';
  assert.equal(renderAnthropicPrompt({ system: 'Be brief.', messages }), expected);
  assert.equal(
    renderAnthropicPrompt({
      system: [
        { type: 'text', text: 'Be ' },
        { type: 'text', text: 'brief.' },
      ],
      messages,
    }),
    expected,
  );
  assert.equal(renderAnthropicPrompt({ messages: [{ role: 'system', content: 'Be brief.' }, ...messages] }), expected);
});

test('same output from two calls; images are stable markers of their data; tool results as strings or blocks', () => {
  const body = claudeTurn(2, 'billing');
  assert.equal(renderAnthropicPrompt(body), renderAnthropicPrompt(structuredClone(body)));
  const image = (data: string) =>
    renderAnthropicPrompt({
      messages: [
        { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data } }] },
      ],
    });
  assert.equal(image('AAAA'), image('AAAA'));
  assert.notEqual(image('AAAA'), image('BBBB'));
  const result = (content: unknown) =>
    renderAnthropicPrompt({
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content }] }],
    });
  assert.equal(result('ok'), result([{ type: 'text', text: 'ok' }]));
  assert.equal(
    renderAnthropicPrompt({ messages: [{ role: 'assistant', content: [{ type: 'redacted_thinking', data: 'x' }] }] }),
    '<|assistant|>\n\n',
  );
});

test('hostile bodies render without throwing', () => {
  for (const body of [
    {},
    { messages: 'x' },
    { messages: [null, 3, { role: 5, content: {} }] },
    { system: 7, tools: {} },
  ]) {
    assert.equal(typeof renderAnthropicPrompt(body as Record<string, unknown>), 'string');
  }
});

test('session key: the sidecar header, then Claude Code header, then metadata.user_id', () => {
  const body = claudeTurn(1, 'billing');
  assert.equal(anthropicSessionKey(body, {}), USER_ID_LEGACY);
  assert.equal(anthropicSessionKey(body, { 'x-claude-code-session-id': 'cc-1' }), 'cc-1');
  assert.equal(anthropicSessionKey(body, { 'X-Session-Id': 'mine', 'x-claude-code-session-id': 'cc-1' }), 'mine');
  const json = '{"device_id":"d","account_uuid":"","session_id":"54c1eb09"}';
  assert.equal(anthropicSessionKey({ metadata: { user_id: json } }, {}), json);
  assert.equal(anthropicSessionKey({ metadata: 'x' }, {}), undefined);
  const routed = anthropicDialect.routedRequest(body, {});
  assert.equal(routed.model, 'qwen-coder');
  assert.equal(routed.sessionKey, USER_ID_LEGACY);
  assert.equal(routed.cacheSalt, undefined);
  assert.equal(anthropicDialect.isStream(body), true);
  assert.equal(anthropicDialect.isStream({ messages: [] }), false);
});
