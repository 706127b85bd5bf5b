// Renders chat messages to one prompt string, Llama-3 style, so that a conversation's earlier turns are a text
// prefix of its later ones (what makes prefix caching work for multi-turn chat).
import { badRequest, type WireError } from './errors';

export function renderChat(messages: unknown, tools: unknown): string | WireError {
  if (!Array.isArray(messages) || messages.length === 0) {
    return badRequest('1 validation error: messages must be a non-empty list', 'messages');
  }
  let text = '<|begin_of_text|>';
  // Like Qwen's and Hermes' templates: the tools go in the system turn, after its text (a turn of their own if the
  // conversation has no system message), so a fixed system prompt and tool set are one shared prefix.
  const toolsText = Array.isArray(tools) && tools.length > 0 ? `Tools: ${JSON.stringify(tools)}` : '';
  const first = messages[0] as { role?: unknown } | null;
  if (toolsText && first?.role !== 'system') {
    text += `<|start_header_id|>system<|end_header_id|>\n\n${toolsText}<|eot_id|>`;
  }
  for (const [i, message] of messages.entries()) {
    if (typeof message !== 'object' || message === null)
      return badRequest(`messages[${i}] must be an object`, 'messages');
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (typeof role !== 'string') return badRequest(`messages[${i}].role must be a string`, 'messages');
    let body = contentText(content);
    if (body === undefined) return badRequest(`messages[${i}].content must be a string or a list of parts`, 'messages');
    if (i === 0 && role === 'system' && toolsText) body = body ? `${body}\n\n${toolsText}` : toolsText;
    const reasoning = (message as { reasoning_content?: unknown }).reasoning_content;
    if (typeof reasoning === 'string' && reasoning) body = `<think>${reasoning}</think>${body}`;
    const calls = (message as { tool_calls?: unknown }).tool_calls;
    text += `<|start_header_id|>${role}<|end_header_id|>\n\n${body}${calls ? JSON.stringify(calls) : ''}<|eot_id|>`;
  }
  return `${text}<|start_header_id|>assistant<|end_header_id|>\n\n`;
}

function contentText(content: unknown): string | undefined {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const part of content) {
    if (typeof part !== 'object' || part === null) return undefined;
    const p = part as { type?: unknown; text?: unknown };
    if ((p.type === 'text' || p.type === 'input_text' || p.type === 'output_text') && typeof p.text === 'string') {
      text += p.text;
    } else text += `<${String(p.type)}>`;
  }
  return text;
}
