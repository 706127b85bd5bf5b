// The HTTP side of the chat provider: the sidecar's /v1/models and a streamed /v1/chat/completions, with abort.
// No vscode import (tested against the real sidecar). No client-side timeouts: a stream lasts as long as the
// sidecar's configured timeouts allow (undici's 300 s defaults are switched off on purpose).
import { request } from 'undici';
import { SseParser } from '../sseParser';
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

export interface ModelCard {
  id: string;
  max_model_len?: number;
  owned_by?: string;
}

/** Said to the sidecar when no client token is configured; any Bearer value is accepted then. */
const PLACEHOLDER_KEY = 'vllm-pools';
const MODELS_TIMEOUT_MS = 5000;

function headers(options: EndpointOptions): Record<string, string> {
  return { authorization: `Bearer ${options.token || PLACEHOLDER_KEY}`, 'content-type': 'application/json' };
}

function url(options: EndpointOptions, path: string): string {
  return `${options.endpoint.replace(/\/+$/, '')}${path}`;
}

/** A connection failure (sidecar not running) as an EndpointError with status 0; other errors unchanged. */
export function connectionError(error: unknown): unknown {
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } } | undefined)?.code ??
    (error as { cause?: { code?: unknown } })?.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EHOSTUNREACH') {
    return new EndpointError(String((error as Error).message || code), 0, 'connection');
  }
  return error;
}

async function failure(
  statusCode: number,
  body: { text(): Promise<string> },
  retryAfter: unknown,
): Promise<EndpointError> {
  const text = await body.text().catch(() => '');
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
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url(options, '/models'), {
      method: 'GET',
      headers: headers(options),
      signal: signal ?? AbortSignal.timeout(MODELS_TIMEOUT_MS),
    });
  } catch (error) {
    throw connectionError(error);
  }
  if (response.statusCode !== 200)
    throw await failure(response.statusCode, response.body, response.headers['retry-after']);
  const list = (await response.body.json()) as { data?: unknown };
  if (!Array.isArray(list.data)) return [];
  return list.data.filter(
    (card): card is ModelCard =>
      typeof card === 'object' && card !== null && typeof (card as ModelCard).id === 'string',
  );
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
): Promise<StreamResult> {
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url(options, '/chat/completions'), {
      method: 'POST',
      headers: { ...headers(options), accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  } catch (error) {
    throw connectionError(error);
  }
  if (response.statusCode !== 200)
    throw await failure(response.statusCode, response.body, response.headers['retry-after']);
  const replicaHeader = response.headers['x-vllm-pools-replica'];
  const parser = new SseParser();
  const assembler = new ChatStreamAssembler();
  const decoder = new TextDecoder();
  let sawDone = false;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      for (const message of parser.push(decoder.decode(chunk, { stream: true }))) {
        if (message.data.trim() === '[DONE]') sawDone = true;
        for (const part of assembler.push(message.data)) onPart(part);
      }
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
