// The same bench request on the wire of each agent protocol: Chat Completions (IDE tools), the Responses API as Codex
// CLI sends it, Anthropic Messages as Claude Code sends it. A conversation of the agentic workload is its team system
// prompt, the developer's repository context, then user turns and earlier answers; the agents carry those as:
// - Responses: `instructions` = team prompt, tools, then `input` items: the repository context as the first user
//   message (Codex sends AGENTS.md that way), user messages, and each earlier answer as a function_call with its
//   function_call_output (an agent's turn is mostly tool use). The whole input is re-sent every turn; no
//   previous_response_id, `store: false`, like Codex.
// - Messages: `system` block = team prompt, tools, the repository context as the first text block of the first user
//   message (Claude Code sends CLAUDE.md that way), each earlier answer as an assistant tool_use and the next user
//   message's tool_result; `cache_control` on the newest block, as Claude Code moves it each turn.
// tool_choice is "none": the simulator answers a user turn with a short tool call otherwise, and the answers should be
// as long as the chat variant's (same decode load).
import { seededRandom } from './random';
import { fillerText } from './text';
import type { BenchRequest, ChatMessage } from './workloads';

export const AGENT_PROTOCOLS = ['chat', 'responses', 'messages'] as const;
export type AgentProtocol = (typeof AGENT_PROTOCOLS)[number];

export const PROTOCOL_LABELS: Record<AgentProtocol, string> = {
  chat: 'Chat Completions',
  responses: 'Responses API, Codex CLI style',
  messages: 'Anthropic Messages, Claude Code style',
};

export interface WireRequest {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Tokens of each tool's description: four tools make ~1,000 tokens of definitions shared by every request. */
const TOOL_DESCRIPTION_TOKENS = 240;
const TOOL_NAMES = ['shell', 'apply_patch', 'read_file', 'search'];

interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

let toolSpecs: ToolSpec[] | undefined;

/** The agent's tool set: the same in every request and every run (a fixed seed). */
export function agentTools(): ToolSpec[] {
  if (!toolSpecs) {
    const random = seededRandom(7);
    toolSpecs = TOOL_NAMES.map((name) => ({
      name,
      description: fillerText(random, TOOL_DESCRIPTION_TOKENS, `Tool ${name}.`),
      parameters: {
        type: 'object',
        properties: { path: { type: 'string', description: 'file or directory' }, text: { type: 'string' } },
        required: ['path'],
      },
    }));
  }
  return toolSpecs;
}

export function wireRequest(
  protocol: AgentProtocol,
  bench: BenchRequest,
  model: string,
  sessionKey: string,
): WireRequest {
  switch (protocol) {
    case 'chat':
      return {
        path: '/v1/chat/completions',
        headers: {},
        body: {
          model,
          messages: bench.messages,
          max_tokens: bench.maxTokens,
          ignore_eos: true,
          stream: true,
          stream_options: { include_usage: true },
        },
      };
    case 'responses':
      return {
        path: '/v1/responses',
        headers: { session_id: sessionKey },
        body: responsesBody(bench, model, sessionKey),
      };
    case 'messages':
      return {
        path: '/v1/messages',
        headers: { 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' },
        body: messagesBody(bench, model, sessionKey),
      };
  }
}

/** The leading system messages: the first is the instructions/system prompt, the others go with the first user turn. */
function split(messages: readonly ChatMessage[]): { system: string; context: string[]; turns: ChatMessage[] } {
  const leading = messages.findIndex((m) => m.role !== 'system');
  const systems = leading < 0 ? messages : messages.slice(0, leading);
  return {
    system: systems[0]?.content ?? '',
    context: systems.slice(1).map((m) => m.content),
    turns: leading < 0 ? [] : messages.slice(leading),
  };
}

function responsesBody(bench: BenchRequest, model: string, sessionKey: string): Record<string, unknown> {
  const { system, context, turns } = split(bench.messages);
  const input: Record<string, unknown>[] = context.map((text) => ({
    type: 'message',
    role: 'user',
    content: [{ type: 'input_text', text }],
  }));
  turns.forEach((turn, i) => {
    if (turn.role === 'assistant') {
      const callId = `call_${i}`;
      input.push(
        { type: 'function_call', call_id: callId, name: 'read_file', arguments: `{"path":"src/part${i}.ts"}` },
        { type: 'function_call_output', call_id: callId, output: turn.content },
      );
    } else input.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: turn.content }] });
  });
  return {
    model,
    instructions: system,
    input,
    tools: agentTools().map((t) => ({ type: 'function', ...t, strict: false })),
    tool_choice: 'none',
    parallel_tool_calls: false,
    store: false,
    stream: true,
    prompt_cache_key: sessionKey,
    max_output_tokens: bench.maxTokens,
  };
}

function messagesBody(bench: BenchRequest, model: string, sessionKey: string): Record<string, unknown> {
  const { system, context, turns } = split(bench.messages);
  const messages: { role: string; content: Record<string, unknown>[] }[] = [];
  let pending: Record<string, unknown>[] = context.map((text) => ({ type: 'text', text }));
  turns.forEach((turn, i) => {
    if (turn.role === 'assistant') {
      const id = `toolu_${i}`;
      messages.push({ role: 'user', content: pending });
      messages.push({
        role: 'assistant',
        content: [{ type: 'tool_use', id, name: 'read_file', input: { path: `src/part${i}.ts` } }],
      });
      pending = [{ type: 'tool_result', tool_use_id: id, content: turn.content }];
    } else pending.push({ type: 'text', text: turn.content });
  });
  if (pending.length > 0) {
    const last = pending.length - 1;
    pending[last] = { ...pending[last], cache_control: { type: 'ephemeral' } };
    messages.push({ role: 'user', content: pending });
  }
  return {
    model,
    system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
    messages,
    tools: agentTools().map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })),
    tool_choice: { type: 'none' },
    metadata: { user_id: `user_bench_session_${sessionKey}` },
    max_tokens: bench.maxTokens,
    stream: true,
  };
}
