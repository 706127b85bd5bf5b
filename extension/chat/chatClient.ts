// The HTTP side of the chat provider: the sidecar's /v1/models and a streamed /v1/chat/completions, with abort.
// No vscode import (tested against the real sidecar). No client-side timeouts: a stream lasts as long as the
// sidecar's configured timeouts allow (undici's 300 s defaults are switched off on purpose).
import { readSse } from '../../core/sse/read';
import { errorCode, httpRequest } from '../http/client';
import { fetchModelList, type ModelCard } from '../http/modelList';
import {
  ChatStreamAssembler,
  EndpointError,
  errorFromBody,
  type ResponsePart,
  type StreamUsage,
} from './streamAssembler';

export interface EndpointOptions {
  /** The local endpoint, e.g. http://127.0.0.1:8800/v1 */
  endpoint: string;
  /** The sidecar's clientToken when its config sets one; any value is accepted otherwise. */
  token?: string | undefined;
}

export type { ModelCard };

/** Said to the sidecar when no client token is configured; any Bearer value is accepted then. */
const PLACEHOLDER_KEY = 'vllm-pools';
const MODELS_TIMEOUT_MS = 5000;

function url(options: EndpointOptions, path: string): string {
  return `${options.endpoint.replace(/\/+$/, '')}${path}`;
}

/** A connection failure (sidecar not running) as an EndpointError with status 0; other errors unchanged. */
export function connectionError(error: unknown): unknown {
  const code = errorCode(error);
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EHOSTUNREACH') {
    return new EndpointError(String((error as Error).message || code), 0, 'connection');
  }
  return error;
}

function failure(statusCode: number, text: string, retryAfter: unknown): EndpointError {
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text body
  }
  const error = errorFromBody(typeof parsed === 'string' ? { message: parsed } : parsed, statusCode);
  if (typeof retryAfter === 'string') return Object.assign(error, { retryAfter: Number(retryAfter) });
  return error;
}

export async function fetchModels(options: EndpointOptions, signal?: AbortSignal): Promise<ModelCard[]> {
  let result: Awaited<ReturnType<typeof fetchModelList>>;
  try {
    result = await fetchModelList(url(options, '/models'), {
      token: options.token || PLACEHOLDER_KEY,
      timeoutMs: MODELS_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw connectionError(error);
  }
  if (!result.ok) throw failure(result.status, result.text, result.headers['retry-after']);
  return result.cards ?? [];
}

export interface StreamResult {
  usage: StreamUsage | undefined;
  finishReason: string | undefined;
  /** The replica that answered (x-vllm-pools-replica). */
  replica: string | undefined;
}

/** POSTs a streamed chat completion and reports each text and tool-call part as it completes. */
export async function streamChatCompletion(
  options: EndpointOptions,
  body: Record<string, unknown>,
  onPart: (part: ResponsePart) => void,
  signal: AbortSignal,
  /** Called when the response head arrives (for the provider's timing line). */
  onHead?: () => void,
): Promise<StreamResult> {
  let response: Awaited<ReturnType<typeof httpRequest>>;
  try {
    response = await httpRequest(url(options, '/chat/completions'), {
      method: 'POST',
      headers: { accept: 'text/event-stream' },
      token: options.token || PLACEHOLDER_KEY,
      json: body,
      signal,
      timeoutMs: 0,
    });
  } catch (error) {
    throw connectionError(error);
  }
  onHead?.();
  if (response.status !== 200) {
    const text = await response.text().catch(() => '');
    throw failure(response.status, text, response.headers['retry-after']);
  }
  const replicaHeader = response.headers['x-vllm-pools-replica'];
  const assembler = new ChatStreamAssembler();
  let sawDone = false;
  try {
    for await (const message of readSse(response.body)) {
      if (message.data.trim() === '[DONE]') sawDone = true;
      for (const part of assembler.push(message.data)) onPart(part);
    }
  } catch (error) {
    throw connectionError(error);
  }
  for (const part of assembler.flush()) onPart(part);
  if (!sawDone && assembler.finishReason === undefined) {
    throw new EndpointError('the answer stream ended before it was complete', 502, 'upstream_error');
  }
  return {
    usage: assembler.usage,
    finishReason: assembler.finishReason,
    replica: typeof replicaHeader === 'string' ? replicaHeader : undefined,
  };
}
