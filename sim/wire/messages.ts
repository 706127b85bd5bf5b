// POST /v1/messages and /v1/messages/count_tokens: Anthropic's Messages API as vLLM serves it (anthropic/serving.py:
// the request becomes a chat request, the answer is converted back). Streamed: `event:` + `data:` blocks,
// message_start at the first token (usage.input_tokens), content_block_start/delta/stop (text_delta, or a tool_use
// block with input_json_delta), message_delta with stop_reason and usage, message_stop. Errors in Anthropic's shape
// {"type":"error","error":{"type","message"}} with vLLM's error types; a mid-stream failure is `event: error`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tokenize } from '../tokenizer';
import { renderChat } from './chatTemplate';
import type { ServeContext } from './context';
import { badRequest, isWireError, type WireError } from './errors';
import { type ChoiceResult, type GenerationFormat, runGeneration, type StreamProtocol, sseEvent } from './generate';
import { sendAnthropicError, sendJson } from './http';
import { parseSampling, resolveMaxTokens } from './params';
import type { ChatMessage } from './responseStore';
import { planToolCall } from './toolCalls';

const STOP_REASONS: Record<string, string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' };

function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : JSON.stringify(content);
  return content.map((b) => (typeof b?.text === 'string' ? b.text : '')).join('');
}

interface ChatRequest {
  messages: ChatMessage[];
  tools: Array<Record<string, unknown>>;
  toolChoice: unknown;
}

/** The chat request vLLM makes of an Anthropic one: system first, tool_use as tool calls, tool_result as tool turns. */
function toChat(body: Record<string, unknown>): ChatRequest | WireError {
  const messages: ChatMessage[] = [];
  const system = body['system'];
  if (typeof system === 'string' ? system : Array.isArray(system) && system.length > 0) {
    messages.push({ role: 'system', content: blockText(system) });
  } else if (system !== undefined && system !== null && typeof system !== 'string' && !Array.isArray(system)) {
    return badRequest('1 validation error: system must be a string or a list of blocks', 'system');
  }
  const input = body['messages'];
  if (!Array.isArray(input) || input.length === 0)
    return badRequest('messages must contain at least one item', 'messages');
  for (const [i, message] of input.entries()) {
    const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
    if (role !== 'user' && role !== 'assistant') {
      return badRequest(`1 validation error: messages[${i}].role must be 'user' or 'assistant'`, 'messages');
    }
    if (typeof content === 'string') {
      messages.push({ role, content });
      continue;
    }
    if (!Array.isArray(content) || content.length === 0) {
      return badRequest('message content must not be empty', 'messages');
    }
    let text = '';
    const calls: unknown[] = [];
    for (const block of content as Array<Record<string, unknown>>) {
      if (typeof block !== 'object' || block === null) return badRequest(`messages[${i}]: a block must be an object`);
      if (block['type'] === 'text') text += typeof block['text'] === 'string' ? block['text'] : '';
      else if (block['type'] === 'tool_use') {
        const fn = { name: block['name'] ?? '', arguments: JSON.stringify(block['input'] ?? {}) };
        calls.push({ id: block['id'] ?? '', type: 'function', function: fn });
      } else if (block['type'] === 'tool_result') {
        messages.push({ role: 'tool', tool_call_id: block['tool_use_id'] ?? '', content: blockText(block['content']) });
      } else text += `<${String(block['type'])}>`;
    }
    if (text || calls.length > 0)
      messages.push({ role, content: text, ...(calls.length ? { tool_calls: calls } : {}) });
  }
  const tools = body['tools'];
  if (tools !== undefined && tools !== null && !Array.isArray(tools)) {
    return badRequest('1 validation error: tools must be a list', 'tools');
  }
  const chatTools = ((tools ?? []) as Array<Record<string, unknown>>).map((t) => ({
    type: 'function',
    function: { name: t?.['name'], description: t?.['description'] ?? null, parameters: t?.['input_schema'] ?? {} },
  }));
  const choice = body['tool_choice'] as { type?: unknown; name?: unknown } | undefined;
  if (choice?.type === 'tool' && !choice.name) {
    return badRequest("tool_choice.name is required when tool_choice.type is 'tool'", 'tool_choice');
  }
  const toolChoice =
    choice?.type === 'any'
      ? 'required'
      : choice?.type === 'none'
        ? 'none'
        : choice?.type === 'tool'
          ? { type: 'function', function: { name: choice.name } }
          : 'auto';
  return { messages, tools: chatTools, toolChoice };
}

function checkModel(body: Record<string, unknown>): WireError | undefined {
  if (typeof body['model'] !== 'string' || !body['model'])
    return badRequest('1 validation error: Model is required', 'model');
  return undefined;
}

function content(result: ChoiceResult): Array<Record<string, unknown>> {
  if (result.toolCall) {
    const { id, name, arguments: args } = result.toolCall;
    let input: unknown = {};
    try {
      input = JSON.parse(args);
    } catch {
      input = {};
    }
    return [{ type: 'tool_use', id, name, input }];
  }
  return result.text ? [{ type: 'text', text: result.text }] : [];
}

export function handleMessages(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
): void {
  const fail = (error: WireError) => sendAnthropicError(res, error);
  const modelError = checkModel(body);
  if (modelError) {
    fail(modelError);
    return;
  }
  const maxTokens = body['max_tokens'];
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens <= 0) {
    fail(badRequest('1 validation error: max_tokens must be a positive integer', 'max_tokens'));
    return;
  }
  const stop = body['stop_sequences'];
  const params = parseSampling(
    { stream: body['stream'] ?? false, max_tokens: maxTokens, stop: stop ?? undefined },
    'completion',
  );
  if (isWireError(params)) {
    fail(params);
    return;
  }
  const chat = toChat(body);
  if (isWireError(chat)) {
    fail(chat);
    return;
  }
  const prompt = renderChat(chat.messages, chat.tools.length > 0 ? chat.tools : undefined);
  if (isWireError(prompt)) {
    fail(prompt);
    return;
  }
  const tokens = tokenize(prompt);
  const cap = resolveMaxTokens(tokens.length, params.maxTokens, ctx.profile.maxModelLen, 'chat');
  if (isWireError(cap)) {
    fail(cap);
    return;
  }

  const format: GenerationFormat = {
    idPrefix: 'chatcmpl-',
    chunkObject: 'message',
    tokenChoice: () => ({}),
    finalBody: (base, choices, usage) => {
      const result = choices[0]!;
      return {
        id: base.id,
        type: 'message',
        role: 'assistant',
        content: content(result),
        model: base.model,
        stop_reason: STOP_REASONS[result.finishReason] ?? 'end_turn',
        usage: { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens },
      };
    },
    stream: (base) => messagesStream(base.id, base.model, tokens.length),
    sendError: (response, error) => sendAnthropicError(response, error),
  };
  runGeneration(ctx, req, res, body, {
    prompts: [tokens],
    maxTokens: [cap],
    params,
    format,
    planFor: (_prompt, choice, promptHash) =>
      planToolCall(
        { tools: chat.tools, tool_choice: chat.toolChoice, messages: chat.messages },
        ctx.seed,
        promptHash,
        choice,
        cap,
      ),
  });
}

function messagesStream(id: string, model: string, inputTokens: number): StreamProtocol {
  const event = (payload: Record<string, unknown>) => sseEvent(String(payload['type']), payload);
  let block: 'text' | 'tool_use' | undefined;
  return {
    token: ({ tokenIndex, piece, plan }) => {
      const events: string[] = [];
      if (tokenIndex === 0) {
        const message = {
          id,
          type: 'message',
          role: 'assistant',
          content: [],
          model,
          stop_reason: null,
          stop_sequence: null,
        };
        events.push(
          event({
            type: 'message_start',
            message: { ...message, usage: { input_tokens: inputTokens, output_tokens: 0 } },
          }),
        );
      }
      if (plan.toolCall) {
        if (!block) {
          block = 'tool_use';
          const start = { type: 'tool_use', id: plan.toolCall.id, name: plan.toolCall.name, input: {} };
          events.push(event({ type: 'content_block_start', index: 0, content_block: start }));
        }
        if (piece) {
          events.push(
            event({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: piece } }),
          );
        }
        return events;
      }
      if (!piece) return events;
      if (!block) {
        block = 'text';
        events.push(event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      }
      events.push(event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }));
      return events;
    },
    end: (usage, results) => {
      const events: string[] = [];
      if (block) events.push(event({ type: 'content_block_stop', index: 0 }));
      const stopReason = STOP_REASONS[results[0]!.finishReason] ?? 'end_turn';
      const counts = { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens };
      events.push(event({ type: 'message_delta', delta: { stop_reason: stopReason }, usage: counts }));
      events.push(event({ type: 'message_stop' }));
      return events;
    },
    error: () => [event({ type: 'error', error: { type: 'internal_error', message: 'simulated engine error' } })],
  };
}

/** {"input_tokens": N} for the prompt the request would have (vLLM adds context_management). */
export function handleCountTokens(
  _ctx: ServeContext,
  _req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
): void {
  const modelError = checkModel(body);
  if (modelError) {
    sendAnthropicError(res, modelError);
    return;
  }
  const chat = toChat(body);
  if (isWireError(chat)) {
    sendAnthropicError(res, chat);
    return;
  }
  const prompt = renderChat(chat.messages, chat.tools.length > 0 ? chat.tools : undefined);
  if (isWireError(prompt)) {
    sendAnthropicError(res, prompt);
    return;
  }
  const inputTokens = tokenize(prompt).length;
  sendJson(res, 200, { input_tokens: inputTokens, context_management: { original_input_tokens: inputTokens } });
}
