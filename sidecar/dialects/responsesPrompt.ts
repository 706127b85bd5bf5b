// The prompt of an OpenAI Responses request, rendered for the balancers in the order vLLM's chat template sees it:
// `instructions` (the system message), the tool definitions, then the `input` items in order. An agent's next turn
// re-sends the same items with more at the end, so its rendering keeps the previous one as its prefix; the same
// repository context sent by two clients renders the same in every sidecar.
//
// vLLM turns `input` into chat messages (entrypoints/openai/responses/utils.py): messages keep their role and text,
// a function_call becomes an assistant tool call (name and arguments), a function_call_output a tool message, a
// reasoning item the assistant's reasoning (its content text, else its summary text). Ids, call ids and statuses
// are not rendered by chat templates and are left out here too.
import { isRecord } from './bodyFields';
import { canonicalJson } from './canonicalJson';
import { mediaMarker, PromptWriter } from './promptWriter';

export function renderResponsesPrompt(body: Record<string, unknown>, writer = new PromptWriter()): string {
  const instructions = body['instructions'];
  if (typeof instructions === 'string' && instructions.length > 0) writer.block('system', instructions);
  const tools = body['tools'];
  if (Array.isArray(tools) && tools.length > 0) writer.block('tools', canonicalJson(tools));
  writer.markLead();
  const input = body['input'];
  if (typeof input === 'string') writer.block('user', input);
  else if (Array.isArray(input)) {
    for (const [index, item] of input.entries()) {
      if (writer.full) break;
      if (!isRecord(item)) continue;
      renderItem(item, writer);
      // Without instructions or tools, a leading system/developer message is the shared part, as in chat.
      if (index === 0 && (item['role'] === 'system' || item['role'] === 'developer')) writer.markLead();
    }
  }
  return writer.text();
}

/** No earlier answer in the input (no assistant message, tool call, tool output or reasoning): a first turn. */
export function responsesOpensConversation(body: Record<string, unknown>): boolean | undefined {
  if (nonEmptyPreviousId(body['previous_response_id'])) return false;
  const input = body['input'];
  if (typeof input === 'string') return true;
  if (!Array.isArray(input) || input.length === 0) return undefined;
  return input.every(
    (item) =>
      isRecord(item) && (item['type'] === undefined || item['type'] === 'message') && item['role'] !== 'assistant',
  );
}

function nonEmptyPreviousId(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function renderItem(item: Record<string, unknown>, writer: PromptWriter): void {
  const type = typeof item['type'] === 'string' ? item['type'] : 'message';
  switch (type) {
    case 'message':
      writer.block(typeof item['role'] === 'string' ? item['role'] : 'user', contentText(item['content']));
      return;
    case 'function_call':
    case 'custom_tool_call':
      writer.block(`${type} ${stringOr(item['name'])}`, stringOr(item['arguments'] ?? item['input']));
      return;
    case 'function_call_output':
    case 'custom_tool_call_output':
      writer.block(type, outputText(item['output']));
      return;
    case 'reasoning':
      writer.block('reasoning', reasoningText(item));
      return;
    case 'item_reference':
      writer.block('item_reference', stringOr(item['id']));
      return;
    default: {
      // Other items (local_shell_call, web_search_call, ...): their fields, minus what changes without the
      // conversation changing.
      const { id: _id, status: _status, ...rest } = item;
      writer.block(type, canonicalJson(rest));
    }
  }
}

/** A message's content: a string, or parts (input_text, output_text, refusal; images and files as markers). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') parts.push(part);
    else if (isRecord(part)) parts.push(partText(part));
  }
  return parts.join('');
}

function partText(part: Record<string, unknown>): string {
  if (typeof part['text'] === 'string') return part['text'];
  if (typeof part['refusal'] === 'string') return part['refusal'];
  const type = stringOr(part['type']);
  const identity = part['image_url'] ?? part['file_id'] ?? part['file_data'] ?? part['file_url'] ?? part['data'];
  return mediaMarker(type, typeof identity === 'string' ? identity : undefined);
}

/** A tool's output: a string, or (newer clients) a list of content parts. */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return contentText(output);
  return output === undefined ? '' : canonicalJson(output);
}

/** What vLLM renders of a reasoning item: its content text, else its summary text; encrypted content as a marker. */
function reasoningText(item: Record<string, unknown>): string {
  const content = contentText(item['content']);
  if (content.length > 0) return content;
  const summary = contentText(item['summary']);
  if (summary.length > 0) return summary;
  const encrypted = item['encrypted_content'];
  return typeof encrypted === 'string' ? mediaMarker('encrypted', encrypted) : '';
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
