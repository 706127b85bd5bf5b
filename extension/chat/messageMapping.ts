// VS Code chat messages (LanguageModelChatRequestMessage and its parts) to an OpenAI chat-completions request body.
// No vscode import: the parts are recognised by shape, so plain objects shaped like VS Code's classes test it.
//
// Mapping (decisions):
// - role User (1) -> "user", Assistant (2) -> "assistant"; 3 (the proposed System role) -> "system".
// - Text parts are concatenated into one string `content`. A prompt-tsx part (value of any type) is rendered as text.
// - An assistant's tool-call parts become `tool_calls` [{id: callId, type: "function", function: {name, arguments:
//   JSON text of input}}]; its `content` is null when it has no text (what OpenAI and vLLM expect).
// - Tool-result parts (VS Code puts them in a User message) become one `{role: "tool", tool_call_id, content}` message
//   each, placed before that message's own text, so they directly follow the assistant turn that made the calls.
//   A user message holding only tool results adds no empty user message.
// - Data parts (VS Code >= 1.105, `{mimeType, data}`): text/* and JSON are decoded as text; others (images) are
//   dropped, since the models are offered without image input.
// - `name` is passed on for user and assistant messages.

export const ROLE_USER = 1;
export const ROLE_ASSISTANT = 2;
export const ROLE_SYSTEM = 3;

/** The fields of a VS Code LanguageModelChatRequestMessage that the mapping reads. */
export interface ChatMessageLike {
  readonly role: number;
  readonly content: ReadonlyArray<unknown>;
  readonly name: string | undefined;
}

/** The fields of a VS Code LanguageModelChatTool. */
export interface ChatToolLike {
  readonly name: string;
  readonly description: string;
  readonly inputSchema?: object | undefined;
}

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAIChatMessage =
  | { role: 'system'; content: string; name?: string }
  | { role: 'user'; content: string; name?: string }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[]; name?: string }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface OpenAITool {
  type: 'function';
  function: { name: string; description: string; parameters: object };
}

export type OpenAIToolChoice = 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ClassifiedPart =
  | { kind: 'text'; text: string }
  | { kind: 'toolCall'; callId: string; name: string; input: unknown }
  | { kind: 'toolResult'; callId: string; content: ReadonlyArray<unknown> }
  | { kind: 'ignored' };

const TOOL_MODE_REQUIRED = 2;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Recognises a part by its shape, most specific first (a tool call also has `callId`, like a tool result). */
export function classifyPart(part: unknown): ClassifiedPart {
  if (typeof part === 'string') return { kind: 'text', text: part };
  if (!isRecord(part)) return { kind: 'ignored' };
  if (typeof part['callId'] === 'string' && typeof part['name'] === 'string' && 'input' in part) {
    return { kind: 'toolCall', callId: part['callId'], name: part['name'], input: part['input'] };
  }
  if (typeof part['callId'] === 'string' && Array.isArray(part['content'])) {
    return { kind: 'toolResult', callId: part['callId'], content: part['content'] };
  }
  if (typeof part['mimeType'] === 'string' && part['data'] instanceof Uint8Array) {
    const mime = part['mimeType'].toLowerCase();
    if (mime.startsWith('text/') || mime.includes('json')) {
      return { kind: 'text', text: new TextDecoder().decode(part['data']) };
    }
    return { kind: 'ignored' };
  }
  if ('value' in part) {
    const value = part['value'];
    if (typeof value === 'string') return { kind: 'text', text: value };
    return { kind: 'text', text: JSON.stringify(value) ?? '' };
  }
  return { kind: 'ignored' };
}

/** The text of a tool result's content (text parts joined; anything else as JSON). */
export function toolResultText(content: ReadonlyArray<unknown>): string {
  return content
    .map((item) => {
      const part = classifyPart(item);
      if (part.kind === 'text') return part.text;
      if (part.kind === 'ignored') return '';
      return JSON.stringify(item);
    })
    .join('');
}

export function toOpenAIMessages(messages: ReadonlyArray<ChatMessageLike>): OpenAIChatMessage[] {
  const out: OpenAIChatMessage[] = [];
  for (const message of messages) {
    let text = '';
    const calls: OpenAIToolCall[] = [];
    const results: OpenAIChatMessage[] = [];
    for (const raw of message.content) {
      const part = classifyPart(raw);
      if (part.kind === 'text') text += part.text;
      else if (part.kind === 'toolCall') {
        calls.push({
          id: part.callId,
          type: 'function',
          function: { name: part.name, arguments: JSON.stringify(part.input ?? {}) },
        });
      } else if (part.kind === 'toolResult') {
        results.push({ role: 'tool', tool_call_id: part.callId, content: toolResultText(part.content) });
      }
    }
    const name = message.name ? { name: message.name } : {};
    if (message.role === ROLE_ASSISTANT) {
      if (text === '' && calls.length === 0) continue;
      out.push({
        role: 'assistant',
        content: text === '' ? null : text,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
        ...name,
      });
      out.push(...results);
      continue;
    }
    out.push(...results);
    if (message.role === ROLE_SYSTEM) out.push({ role: 'system', content: text, ...name });
    else if (text !== '' || results.length === 0) out.push({ role: 'user', content: text, ...name });
  }
  return out;
}

export function toOpenAITools(tools: ReadonlyArray<ChatToolLike> | undefined): OpenAITool[] | undefined {
  if (!tools || tools.length === 0) return undefined;
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      description: tool.description,
      parameters: tool.inputSchema ?? { type: 'object', properties: {} },
    },
  }));
}

/** Auto -> "auto"; Required -> the one tool by name, or "required" when there are several. */
export function toOpenAIToolChoice(
  toolMode: number | undefined,
  tools: ReadonlyArray<ChatToolLike> | undefined,
): OpenAIToolChoice | undefined {
  if (!tools || tools.length === 0) return undefined;
  if (toolMode !== TOOL_MODE_REQUIRED) return 'auto';
  const only = tools.length === 1 ? tools[0] : undefined;
  return only ? { type: 'function', function: { name: only.name } } : 'required';
}

/** Request fields a caller may not override through modelOptions. */
const RESERVED_FIELDS = new Set(['model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice']);

export interface ChatRequestInput {
  model: string;
  messages: ReadonlyArray<ChatMessageLike>;
  tools?: ReadonlyArray<ChatToolLike> | undefined;
  toolMode?: number | undefined;
  /** VS Code's `modelOptions` (temperature, max_tokens, …): passed on as request fields. */
  modelOptions?: { readonly [name: string]: unknown } | undefined;
}

/** The body of a streamed POST /v1/chat/completions for a VS Code chat request. */
export function buildChatRequest(input: ChatRequestInput): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.modelOptions ?? {})) {
    if (!RESERVED_FIELDS.has(key) && value !== undefined) body[key] = value;
  }
  body['model'] = input.model;
  body['messages'] = toOpenAIMessages(input.messages);
  body['stream'] = true;
  body['stream_options'] = { include_usage: true };
  const tools = toOpenAITools(input.tools);
  if (tools) {
    body['tools'] = tools;
    body['tool_choice'] = toOpenAIToolChoice(input.toolMode, input.tools);
  }
  return body;
}

/** About 4 characters per token, as the simulator counts (sim/tokenizer.ts), over everything the message carries. */
export function estimateTokens(input: string | ChatMessageLike): number {
  if (typeof input === 'string') return Math.ceil(input.length / 4);
  let chars = 0;
  for (const raw of input.content) {
    const part = classifyPart(raw);
    if (part.kind === 'text') chars += part.text.length;
    else if (part.kind === 'toolCall') chars += part.name.length + (JSON.stringify(part.input ?? {}) ?? '').length;
    else if (part.kind === 'toolResult') chars += toolResultText(part.content).length;
  }
  return Math.ceil(chars / 4);
}
