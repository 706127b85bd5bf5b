// The prompt of an Anthropic Messages request (and of count_tokens), rendered for the balancers in the order vLLM's
// chat template sees it (entrypoints/anthropic/serving.py): the system prompt (the `system` string or text blocks,
// and any system-role messages, joined), the tool definitions, then the messages in order with their text, tool_use,
// tool_result, thinking and image blocks.
//
// Like vLLM, a system block starting with Claude Code's `x-anthropic-billing-header` is left out (it carries a
// per-request hash), and so is every `cache_control` marker: Claude Code moves them to the newest turn on each
// request, and the engine never sees them; leaving them in would break the prefix of every growing conversation.
import { isRecord } from './bodyFields';
import { canonicalJson } from './canonicalJson';
import { mediaMarker, PromptWriter } from './promptWriter';

const IGNORED_KEYS: ReadonlySet<string> = new Set(['cache_control']);
const BILLING_HEADER = 'x-anthropic-billing-header';

export function renderAnthropicPrompt(body: Record<string, unknown>, writer = new PromptWriter()): string {
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  const system = systemText(body['system'], messages);
  if (system.length > 0) writer.block('system', system);
  const tools = body['tools'];
  if (Array.isArray(tools) && tools.length > 0) writer.block('tools', canonicalJson(tools, IGNORED_KEYS));
  writer.markLead();
  for (const message of messages) {
    if (writer.full) break;
    if (!isRecord(message) || message['role'] === 'system') continue;
    writer.block(typeof message['role'] === 'string' ? message['role'] : '', contentText(message['content']));
  }
  return writer.text();
}

/** No assistant message yet (no earlier answer): a conversation's first turn. Undefined without messages. */
export function anthropicOpensConversation(body: Record<string, unknown>): boolean | undefined {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  return !messages.some((m) => isRecord(m) && m['role'] === 'assistant');
}

function systemText(system: unknown, messages: readonly unknown[]): string {
  const parts: string[] = [];
  appendSystem(system, parts);
  for (const message of messages) {
    if (isRecord(message) && message['role'] === 'system') appendSystem(message['content'], parts);
  }
  return parts.join('');
}

function appendSystem(content: unknown, parts: string[]): void {
  if (typeof content === 'string') {
    parts.push(content);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const block of content) {
    if (!isRecord(block) || block['type'] !== 'text' || typeof block['text'] !== 'string') continue;
    if (!block['text'].startsWith(BILLING_HEADER)) parts.push(block['text']);
  }
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content) if (isRecord(block)) parts.push(blockText(block));
  return parts.join('');
}

function blockText(block: Record<string, unknown>): string {
  switch (block['type']) {
    case 'text':
      return typeof block['text'] === 'string' ? block['text'] : '';
    case 'tool_use':
      return `<|tool_use ${typeof block['name'] === 'string' ? block['name'] : ''}|>${canonicalJson(block['input'] ?? {}, IGNORED_KEYS)}`;
    case 'tool_result':
      return `<|tool_result${block['is_error'] === true ? ' error' : ''}|>${contentText(block['content'])}`;
    case 'thinking':
      return `<|thinking|>${typeof block['thinking'] === 'string' ? block['thinking'] : ''}`;
    case 'redacted_thinking':
      return '';
    case 'image':
    case 'document':
      return mediaMarker(block['type'], sourceIdentity(block['source']));
    default: {
      const { type, ...rest } = block;
      return `<|${typeof type === 'string' ? type : ''}|>${canonicalJson(rest, IGNORED_KEYS)}`;
    }
  }
}

function sourceIdentity(source: unknown): string | undefined {
  if (!isRecord(source)) return undefined;
  const identity = source['data'] ?? source['url'] ?? source['file_id'];
  return typeof identity === 'string' ? identity : undefined;
}
