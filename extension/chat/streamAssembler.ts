// OpenAI chat-completion stream chunks back to VS Code response parts: text as it arrives; tool calls buffered by
// index (id and name from the first delta, arguments concatenated) and emitted once complete; an error object in the
// stream (the sidecar's mid-stream failure tail, or a replica's) becomes an exception. No vscode import.

export type ResponsePart =
  | { kind: 'text'; text: string }
  | { kind: 'toolCall'; callId: string; name: string; input: object };

export interface StreamUsage {
  promptTokens: number;
  completionTokens: number;
}

/** An error the endpoint reported, in the OpenAI error shape, with the HTTP status when there was one. */
export class EndpointError extends Error {
  override name = 'EndpointError';
  constructor(
    message: string,
    readonly status: number,
    readonly type: string | undefined,
  ) {
    super(message);
  }
}

interface PendingCall {
  id: string;
  name: string;
  args: string;
}

export class ChatStreamAssembler {
  private readonly calls = new Map<number, PendingCall>();
  usage: StreamUsage | undefined;
  finishReason: string | undefined;

  /** Feeds one SSE `data:` payload; returns the parts it completed. `[DONE]` flushes pending tool calls. */
  push(data: string): ResponsePart[] {
    if (data.trim() === '[DONE]') return this.flush();
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return [];
    }
    if (typeof chunk !== 'object' || chunk === null) return [];
    const record = chunk as Record<string, unknown>;
    if (record['error'] !== undefined) throw errorFromBody(record, 502);
    const usage = record['usage'] as { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined;
    if (usage && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number') {
      this.usage = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
    }
    const parts: ResponsePart[] = [];
    const choices = Array.isArray(record['choices']) ? (record['choices'] as unknown[]) : [];
    // Only the first choice is reported: VS Code's chat has one answer per request.
    const choice = choices.find((c) => {
      const index = (c as { index?: unknown }).index;
      return index === 0 || index === undefined;
    }) as { delta?: Record<string, unknown>; message?: Record<string, unknown>; finish_reason?: unknown } | undefined;
    if (!choice) return parts;
    const delta = choice.delta ?? choice.message ?? {};
    if (typeof delta['content'] === 'string' && delta['content'] !== '') {
      parts.push({ kind: 'text', text: delta['content'] });
    }
    if (Array.isArray(delta['tool_calls'])) {
      for (const [position, raw] of (delta['tool_calls'] as unknown[]).entries()) this.addToolDelta(raw, position);
    }
    if (typeof choice.finish_reason === 'string') {
      this.finishReason = choice.finish_reason;
      parts.push(...this.flush());
    }
    return parts;
  }

  /** Tool calls still buffered (the stream ended without a finish reason). Idempotent. */
  flush(): ResponsePart[] {
    if (this.calls.size === 0) return [];
    const parts: ResponsePart[] = [];
    for (const [index, call] of [...this.calls.entries()].sort((a, b) => a[0] - b[0])) {
      parts.push({
        kind: 'toolCall',
        callId: call.id || `call_${index}`,
        name: call.name,
        input: parseArguments(call),
      });
    }
    this.calls.clear();
    return parts;
  }

  private addToolDelta(raw: unknown, position: number): void {
    if (typeof raw !== 'object' || raw === null) return;
    const delta = raw as { index?: unknown; id?: unknown; function?: { name?: unknown; arguments?: unknown } };
    const index = typeof delta.index === 'number' ? delta.index : position;
    const call = this.calls.get(index) ?? { id: '', name: '', args: '' };
    if (typeof delta.id === 'string' && delta.id !== '') call.id = delta.id;
    if (typeof delta.function?.name === 'string' && delta.function.name !== '') call.name = delta.function.name;
    if (typeof delta.function?.arguments === 'string') call.args += delta.function.arguments;
    else if (typeof delta.function?.arguments === 'object' && delta.function.arguments !== null) {
      call.args += JSON.stringify(delta.function.arguments);
    }
    this.calls.set(index, call);
  }
}

function parseArguments(call: PendingCall): object {
  if (call.args.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(call.args);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // falls through
  }
  throw new EndpointError(
    `the model called the tool "${call.name}" with arguments that are not a JSON object: ${call.args.slice(0, 200)}`,
    502,
    'invalid_tool_arguments',
  );
}

/** An OpenAI-shaped (or vLLM/FastAPI-shaped) error body as an EndpointError. */
export function errorFromBody(body: unknown, status: number): EndpointError {
  if (typeof body === 'object' && body !== null) {
    const error = (body as { error?: unknown; detail?: unknown; message?: unknown }).error;
    if (typeof error === 'object' && error !== null) {
      const e = error as { message?: unknown; type?: unknown; code?: unknown };
      const code = typeof e.code === 'number' ? e.code : status;
      return new EndpointError(
        String(e.message ?? 'unknown error'),
        code,
        typeof e.type === 'string' ? e.type : undefined,
      );
    }
    if (typeof error === 'string') return new EndpointError(error, status, undefined);
    const detail = (body as { detail?: unknown; message?: unknown }).detail ?? (body as { message?: unknown }).message;
    if (typeof detail === 'string') return new EndpointError(detail, status, undefined);
  }
  return new EndpointError(`HTTP ${status}`, status, undefined);
}
