// Real-looking request bodies and SSE streams of the Responses and Anthropic protocols, shaped like what Codex CLI,
// Claude Code, vLLM and the official SDKs send (field names and event order from their published docs and code).

export const CODEX_INSTRUCTIONS = `You are Codex, a coding agent running in a terminal. ${'Follow the repository conventions. '.repeat(40)}`;

export const SHELL_TOOL = {
  type: 'function',
  name: 'shell',
  description: 'Runs a shell command and returns its output.',
  strict: false,
  parameters: {
    type: 'object',
    properties: {
      command: { type: 'array', items: { type: 'string' }, description: 'The command to execute' },
      workdir: { type: 'string', description: 'The working directory' },
      timeout_ms: { type: 'number', description: 'The timeout in milliseconds' },
    },
    required: ['command'],
    additionalProperties: false,
  },
};

export const APPLY_PATCH_TOOL = {
  type: 'function',
  name: 'apply_patch',
  description: 'Edits files with a patch.',
  parameters: { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] },
};

export function userMessage(text: string): Record<string, unknown> {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/** Turn 1 of a Codex conversation: environment context and the user's request. */
export function codexTurn1(repositoryContext: string): Record<string, unknown> {
  return {
    model: 'qwen-coder',
    instructions: CODEX_INSTRUCTIONS,
    input: [
      userMessage(`<environment_context>${repositoryContext}</environment_context>`),
      userMessage('Fix the failing test'),
    ],
    tools: [SHELL_TOOL, APPLY_PATCH_TOOL],
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: '0199a3c1-5c1e-7d32-9b61-2f4c3e8a1b70',
  };
}

/** Turn 2: the same items, then the model's reasoning and tool call, and the tool's output. */
export function codexTurn2(repositoryContext: string): Record<string, unknown> {
  const turn1 = codexTurn1(repositoryContext);
  return {
    ...turn1,
    input: [
      ...(turn1['input'] as unknown[]),
      {
        type: 'reasoning',
        id: 'rs_1',
        summary: [{ type: 'summary_text', text: 'Looking at the test output first.' }],
        encrypted_content: null,
      },
      {
        type: 'function_call',
        id: 'fc_1',
        call_id: 'call_1',
        name: 'shell',
        arguments: '{"command":["npm","test"]}',
        status: 'completed',
      },
      { type: 'function_call_output', call_id: 'call_1', output: 'FAIL test/a.test.ts\n  expected 2, got 3' },
    ],
  };
}

const RESPONSE_BASE = {
  id: 'resp_0a1b2c3d',
  object: 'response',
  created_at: 1764900000,
  model: 'qwen-coder',
  output: [],
  parallel_tool_calls: false,
  tool_choice: 'auto',
  tools: [],
  incomplete_details: null,
  error: null,
  usage: null,
};

function responsesEvent(type: string, sequence: number, fields: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`;
}

/** A streamed Responses answer as vLLM sends it: reasoning, text, a function call, then response.completed. */
export function responsesStream(options: { completed?: boolean; outputTokens?: number } = {}): string {
  const events: [string, Record<string, unknown>][] = [
    ['response.created', { response: { ...RESPONSE_BASE, status: 'in_progress' } }],
    ['response.in_progress', { response: { ...RESPONSE_BASE, status: 'in_progress' } }],
    [
      'response.output_item.added',
      { output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [], content: [] } },
    ],
    [
      'response.content_part.added',
      { item_id: 'rs_1', output_index: 0, content_index: 0, part: { type: 'reasoning_text', text: '' } },
    ],
    ['response.reasoning_text.delta', { item_id: 'rs_1', output_index: 0, content_index: 0, delta: 'Look' }],
    ['response.reasoning_text.delta', { item_id: 'rs_1', output_index: 0, content_index: 0, delta: 'ing…' }],
    ['response.output_item.done', { output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } }],
    [
      'response.output_item.added',
      {
        output_index: 1,
        item: { id: 'msg_1', type: 'message', role: 'assistant', status: 'in_progress', content: [] },
      },
    ],
    [
      'response.content_part.added',
      { item_id: 'msg_1', output_index: 1, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } },
    ],
    ['response.output_text.delta', { item_id: 'msg_1', output_index: 1, content_index: 0, delta: 'Héllo' }],
    ['response.output_text.delta', { item_id: 'msg_1', output_index: 1, content_index: 0, delta: '' }],
    ['response.output_text.delta', { item_id: 'msg_1', output_index: 1, content_index: 0, delta: ' wörld 🌍' }],
    ['response.output_text.done', { item_id: 'msg_1', output_index: 1, content_index: 0, text: 'Héllo wörld 🌍' }],
    [
      'response.output_item.added',
      { output_index: 2, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '' } },
    ],
    ['response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 2, delta: '{"command":' }],
    ['response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 2, delta: '["ls"]}' }],
    ['response.function_call_arguments.done', { item_id: 'fc_1', output_index: 2, arguments: '{"command":["ls"]}' }],
  ];
  if (options.completed !== false) {
    events.push([
      'response.completed',
      {
        response: {
          ...RESPONSE_BASE,
          status: 'completed',
          output: [
            { id: 'rs_1', type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Looking…' }] },
            {
              id: 'msg_1',
              type: 'message',
              role: 'assistant',
              status: 'completed',
              content: [{ type: 'output_text', text: 'Héllo wörld 🌍', annotations: [] }],
            },
            { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
          ],
          usage: {
            input_tokens: 812,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: options.outputTokens ?? 42,
            output_tokens_details: { reasoning_tokens: 7 },
            total_tokens: 812 + (options.outputTokens ?? 42),
          },
        },
      },
    ]);
  }
  return events.map(([type, fields], index) => responsesEvent(type, index, fields)).join('');
}

export const RESPONSES_STREAM_DELTAS = 6;

/** Claude Code's system prompt: the billing header block (a per-request hash), then the real prompt. */
export function claudeSystem(requestHash: string, cacheControl = true): Record<string, unknown>[] {
  return [
    { type: 'text', text: `x-anthropic-billing-header: cc_version=2.1.90; cc_entrypoint=cli; cch=${requestHash};` },
    {
      type: 'text',
      text: `You are Claude Code, Anthropic's official CLI for Claude. ${'Be concise. '.repeat(30)}`,
      ...(cacheControl ? { cache_control: { type: 'ephemeral' } } : {}),
    },
  ];
}

export const READ_TOOL = {
  name: 'Read',
  description: 'Reads a file from the local filesystem.',
  input_schema: {
    type: 'object',
    properties: { file_path: { type: 'string', description: 'The absolute path to the file to read' } },
    required: ['file_path'],
    additionalProperties: false,
    $schema: 'http://json-schema.org/draft-07/schema#',
  },
};

function anthropicEvent(type: string, fields: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;
}

/** A streamed Anthropic answer: thinking, text and a tool_use block, then message_delta with the final usage. */
export function anthropicStream(options: { finished?: boolean; outputTokens?: number } = {}): string {
  const parts = [
    anthropicEvent('message_start', {
      message: {
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        type: 'message',
        role: 'assistant',
        content: [],
        model: 'qwen-coder',
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 472, output_tokens: 1 },
      },
    }),
    anthropicEvent('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
    anthropicEvent('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'Let me see' } }),
    anthropicEvent('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' } }),
    anthropicEvent('content_block_stop', { index: 0 }),
    'event: ping\ndata: {"type": "ping"}\n\n',
    anthropicEvent('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
    anthropicEvent('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'Héllo' } }),
    anthropicEvent('content_block_delta', { index: 1, delta: { type: 'text_delta', text: ' 🌍' } }),
    anthropicEvent('content_block_stop', { index: 1 }),
    anthropicEvent('content_block_start', {
      index: 2,
      content_block: { type: 'tool_use', id: 'toolu_01', name: 'Read', input: {} },
    }),
    anthropicEvent('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '' } }),
    anthropicEvent('content_block_delta', {
      index: 2,
      delta: { type: 'input_json_delta', partial_json: '{"file_path":' },
    }),
    anthropicEvent('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '"/a.ts"}' } }),
    anthropicEvent('content_block_stop', { index: 2 }),
  ];
  if (options.finished !== false) {
    parts.push(
      anthropicEvent('message_delta', {
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { output_tokens: options.outputTokens ?? 37 },
      }),
      anthropicEvent('message_stop', {}),
    );
  }
  return parts.join('');
}

export const ANTHROPIC_STREAM_DELTAS = 5;

/** Feeds `text` to `push` in chunks of `size` bytes (UTF-8 characters and lines cut anywhere), calling `tick` first. */
export function feedInChunks(text: string, size: number, push: (chunk: Uint8Array) => void, tick = () => {}): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) {
    tick();
    push(bytes.subarray(i, i + size));
  }
}
