// Turns a parsed OpenAI-style request body and its headers into what balancers may know about the request.
// The prompt rendering is deterministic and identical in every sidecar, because prefix affinity hashes it.
import { LazyRoutedRequest } from './lazyRoutedRequest';
import type { RoutedRequest } from './types';

type Headers = Record<string, string | string[] | undefined>;

/** Paths of the OpenAI dialect whose requests the engine only tokenizes: no prefill, nothing cached. */
const NO_PREFILL_PATHS: ReadonlySet<string> = new Set(['/tokenize', '/detokenize']);

/** The prompt is rendered only when a balancer reads it (LazyRoutedRequest). */
export function toRoutedRequest(body: unknown, headers: Headers, path?: string): RoutedRequest {
  const fields = isRecord(body) ? body : {};
  return new LazyRoutedRequest(
    {
      model: nonEmptyString(fields['model']),
      sessionKey: nonEmptyString(headerValue(headers, 'x-session-id')) ?? nonEmptyString(fields['user']),
      cacheSalt: nonEmptyString(fields['cache_salt']),
      newConversation: opensConversation(fields),
      fillsCache: path !== undefined && NO_PREFILL_PATHS.has(path) ? false : undefined,
      tokenizeBody: tokenizeBodyOf(fields),
    },
    () => ({ text: renderPrompt(fields), leadChars: leadMessageChars(fields) }),
  );
}

/** The body for the replica's POST /tokenize (used only for replicas with kvEvents): chat messages, else a prompt. */
function tokenizeBodyOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const model = body['model'];
  if (Array.isArray(body['messages'])) {
    const tools = body['tools'];
    return { model, messages: body['messages'], ...(tools !== undefined ? { tools } : {}) };
  }
  return typeof body['prompt'] === 'string' ? { model, prompt: body['prompt'] } : undefined;
}

/** Chat messages with no assistant or tool message (no earlier answer): a first turn. Undefined without messages. */
export function opensConversation(body: Record<string, unknown>): boolean | undefined {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  return !messages.some(
    (m) => isRecord(m) && (m['role'] === 'assistant' || m['role'] === 'tool' || m['role'] === 'function'),
  );
}

/** Length of the rendered first message when it is a system or developer message and another message follows. */
export function leadMessageChars(body: Record<string, unknown>): number | undefined {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length < 2) return undefined;
  const first: unknown = messages[0];
  if (!isRecord(first) || (first['role'] !== 'system' && first['role'] !== 'developer')) return undefined;
  return renderMessages([first]).length;
}

/** Chat `messages`, else completions `prompt`, else embeddings `input`; empty when there is none. */
export function renderPrompt(body: Record<string, unknown>): string {
  if (Array.isArray(body['messages'])) return renderMessages(body['messages']);
  if (body['prompt'] !== undefined) return renderPromptValue(body['prompt']);
  if (body['input'] !== undefined) return renderPromptValue(body['input']);
  return '';
}

/**
 * One block per message: `<|role|>` (and `name` when set), a newline, the text content, any tool calls, a newline.
 * Earlier messages come first, so a conversation that grows keeps its rendered prefix.
 */
function renderMessages(messages: readonly unknown[]): string {
  const parts: string[] = [];
  for (const message of messages) {
    if (!isRecord(message)) continue;
    const role = typeof message['role'] === 'string' ? message['role'] : '';
    const name = typeof message['name'] === 'string' ? ` ${message['name']}` : '';
    parts.push(`<|${role}${name}|>\n`, renderContent(message['content']));
    const toolCalls = message['tool_calls'];
    if (Array.isArray(toolCalls)) for (const call of toolCalls) parts.push(renderToolCall(call));
    parts.push('\n');
  }
  return parts.join('');
}

/** String content as is; array-of-parts content as its text parts, other parts as a short stable marker. */
function renderContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') parts.push(part);
    else if (isRecord(part)) {
      if (typeof part['text'] === 'string') parts.push(part['text']);
      else if (typeof part['type'] === 'string') parts.push(`<|${part['type']}:${mediaIdentity(part)}|>`);
    }
  }
  return parts.join('');
}

/** A short identity for an image/audio/file part: a hash of its URL or data, so a huge data URL costs one pass. */
function mediaIdentity(part: Record<string, unknown>): string {
  for (const value of Object.values(part)) {
    if (typeof value === 'string' && value !== part['type']) return fnv1a32(value);
    if (isRecord(value)) {
      const inner = value['url'] ?? value['data'] ?? value['file_id'] ?? value['file_data'];
      if (typeof inner === 'string') return fnv1a32(inner);
    }
  }
  return '';
}

function renderToolCall(call: unknown): string {
  if (!isRecord(call) || !isRecord(call['function'])) return '';
  const fn = call['function'];
  const name = typeof fn['name'] === 'string' ? fn['name'] : '';
  const args = typeof fn['arguments'] === 'string' ? fn['arguments'] : '';
  return `<|tool_call ${name}|>${args}`;
}

/** A string; an array of strings (joined by newlines); token ids (joined by spaces); arrays of token-id arrays. */
function renderPromptValue(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt;
  if (!Array.isArray(prompt)) return '';
  if (prompt.every((item) => typeof item === 'number')) return prompt.join(' ');
  return prompt.map(renderPromptValue).join('\n');
}

function headerValue(headers: Headers, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name) value = headers[key];
  }
  return Array.isArray(value) ? value[0] : value;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
