// Tool calls, cheaply: when `tools` are given, the answer to a user turn is a call of one of them (the named one
// for a named tool_choice), with arguments built from its JSON schema; the turn after a tool result is text.
// `tool_choice: "none"` never calls. The arguments stream as ~4-character pieces, one per token.
import { hashInts, seededRandom } from '../hash';
import type { OutputPlan } from '../textGen';

interface ToolFunction {
  name: string;
  parameters?: { properties?: Record<string, { type?: unknown; enum?: unknown[] }>; required?: unknown };
}

function functions(tools: unknown): ToolFunction[] {
  if (!Array.isArray(tools)) return [];
  return tools
    .map((tool) => (tool as { function?: ToolFunction } | null)?.function)
    .filter((f): f is ToolFunction => typeof f?.name === 'string');
}

function wantsCall(toolChoice: unknown, messages: unknown): { call: boolean; name?: string } {
  if (toolChoice === 'none') return { call: false };
  const named = (toolChoice as { function?: { name?: unknown } } | null)?.function?.name;
  if (typeof named === 'string') return { call: true, name: named };
  if (toolChoice === 'required') return { call: true };
  const last = Array.isArray(messages) ? (messages[messages.length - 1] as { role?: unknown } | undefined) : undefined;
  return { call: last?.role === 'user' };
}

function sampleValue(schema: { type?: unknown; enum?: unknown[] } | undefined, random: () => number): unknown {
  if (Array.isArray(schema?.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (schema?.type) {
    case 'integer':
    case 'number':
      return Math.floor(random() * 100);
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return ['paris', 'main', 'today', 'fast', 'alpha'][Math.floor(random() * 5)];
  }
}

/** The tool call a chat request gets, or undefined when it gets text. */
export function planToolCall(
  body: Record<string, unknown>,
  seed: number,
  promptHash: number,
  choiceIndex: number,
  maxTokens: number,
): OutputPlan | undefined {
  const available = functions(body['tools']);
  if (available.length === 0) return undefined;
  const decision = wantsCall(body['tool_choice'], body['messages']);
  if (!decision.call) return undefined;
  const random = seededRandom(hashInts([seed, choiceIndex], promptHash));
  const fn = decision.name
    ? available.find((f) => f.name === decision.name)
    : available[Math.floor(random() * available.length)];
  if (!fn) return undefined;
  const properties = fn.parameters?.properties ?? {};
  const required = Array.isArray(fn.parameters?.required)
    ? (fn.parameters.required as string[])
    : Object.keys(properties);
  const args: Record<string, unknown> = {};
  for (const key of required) args[key] = sampleValue(properties[key], random);
  const text = JSON.stringify(args);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 4) pieces.push(text.slice(i, i + 4));
  const cut = pieces.length > maxTokens;
  const id = `chatcmpl-tool-${Math.floor(random() * 2 ** 52)
    .toString(16)
    .padStart(13, '0')}`;
  return {
    pieces: cut ? pieces.slice(0, maxTokens) : pieces,
    finishReason: cut ? 'length' : 'tool_calls',
    stopReason: null,
    toolCall: { id, name: fn.name },
  };
}
