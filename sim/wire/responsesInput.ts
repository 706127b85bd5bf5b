// The chat messages a Responses API request becomes, as vLLM builds them (responses/utils.py
// construct_input_messages): the request's `instructions` as the system message, then the stored conversation of
// `previous_response_id` without its system messages, then that response's output (messages and function calls;
// reasoning skipped), then the new input items in order. Tools become chat tools for the template and tool calls.
import { badRequest, isWireError, type WireError } from './errors';
import type { ChatMessage } from './responseStore';

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  return value.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

/** One input item (or an earlier output item) as a chat message; undefined for items the prompt leaves out. */
function itemMessage(item: unknown, index: number): ChatMessage | undefined | WireError {
  if (typeof item !== 'object' || item === null) return badRequest(`input[${index}] must be an object`, 'input');
  const it = item as Record<string, unknown>;
  const type = it['type'] ?? 'message';
  switch (type) {
    case 'message': {
      const { role, content } = it;
      if (typeof role !== 'string') return badRequest(`input[${index}].role must be a string`, 'input');
      if (typeof content !== 'string' && !Array.isArray(content)) {
        return badRequest(`input[${index}].content must be a string or a list of parts`, 'input');
      }
      return { role, content };
    }
    case 'function_call':
      if (typeof it['name'] !== 'string' || typeof it['arguments'] !== 'string') {
        return badRequest(`input[${index}]: a function_call needs name and arguments`, 'input');
      }
      return {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: it['call_id'] ?? it['id'] ?? '',
            type: 'function',
            function: { name: it['name'], arguments: it['arguments'] },
          },
        ],
      };
    case 'function_call_output':
      return {
        role: 'tool',
        tool_call_id: it['call_id'] ?? '',
        content: typeof it['output'] === 'string' ? it['output'] : JSON.stringify(it['output'] ?? ''),
      };
    case 'reasoning':
      return { role: 'assistant', content: '', reasoning_content: text(it['content']) || text(it['summary']) };
    case 'item_reference':
      return undefined;
    default: {
      // Other tools' items as agents send them (Codex: local_shell_call, custom_tool_call and their outputs; hosted
      // tools' *_call items): a call is the assistant's turn, an output the tool's.
      if (typeof type === 'string' && type.endsWith('_output')) {
        const output = it['output'];
        return {
          role: 'tool',
          tool_call_id: it['call_id'] ?? '',
          content: typeof output === 'string' ? output : JSON.stringify(output ?? ''),
        };
      }
      if (typeof type === 'string' && type.endsWith('_call')) {
        const { id: _id, status: _status, ...call } = it;
        return { role: 'assistant', content: JSON.stringify(call) };
      }
      return badRequest(`input[${index}]: unknown item type ${JSON.stringify(type)}`, 'input');
    }
  }
}

/** The new input (`input`, a string or a list of items) as chat messages. */
export function inputMessages(input: unknown): ChatMessage[] | WireError {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input))
    return badRequest('1 validation error: input must be a string or a list of items', 'input');
  const messages: ChatMessage[] = [];
  for (const [i, item] of input.entries()) {
    const message = itemMessage(item, i);
    if (isWireError(message)) return message;
    if (message) messages.push(message);
  }
  return messages;
}

/** A stored response's output as the assistant's turn (reasoning skipped, as vLLM does). */
export function outputMessages(output: unknown): ChatMessage[] {
  if (!Array.isArray(output)) return [];
  const messages: ChatMessage[] = [];
  for (const item of output) {
    const it = item as Record<string, unknown>;
    if (it['type'] === 'message') messages.push({ role: 'assistant', content: text(it['content']) });
    else if (it['type'] === 'function_call') {
      const message = itemMessage(it, 0);
      if (message && !isWireError(message)) messages.push(message);
    }
  }
  return messages;
}

/** Responses function tools (`{type, name, parameters}`) as chat tools (`{type, function: {name, parameters}}`). */
export function chatTools(tools: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(tools)) return [];
  return tools
    .filter((t) => t?.type === 'function' && typeof t.name === 'string')
    .map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description ?? null, parameters: t.parameters ?? {} },
    }));
}

/** Responses `tool_choice` in chat's form. */
export function chatToolChoice(choice: unknown): unknown {
  if (typeof choice === 'object' && choice !== null && typeof (choice as { name?: unknown }).name === 'string') {
    return { type: 'function', function: { name: (choice as { name: string }).name } };
  }
  return choice ?? 'auto';
}
