// The OpenAI dialect: chat, completions, embeddings and every route not claimed by another dialect. Errors in the
// shape {"error":{"message","type","param","code"}}; a stream that fails mid-way ends with such an error event and
// `data: [DONE]`.
import type { OpenAIErrorBody } from '../../core/protocol';
import { toRoutedRequest } from '../balancer/routedRequest';
import { scrub } from '../log';
import type { Dialect, DialectError } from './dialect';
import { completionTokensIn, SseTap } from './openaiSseTap';

const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
  502: 'upstream_error',
  503: 'service_unavailable',
  504: 'timeout_error',
};

export function openAIError(status: number, message: string, type?: string): OpenAIErrorBody {
  return {
    error: { message: scrub(message), type: type ?? TYPES[status] ?? 'server_error', param: null, code: status },
  };
}

/** The SSE event that ends a stream whose upstream failed after the first byte, followed by [DONE]. */
export function sseErrorTail(message: string): string {
  return `data: ${JSON.stringify(openAIError(502, message, 'upstream_error'))}\n\ndata: [DONE]\n\n`;
}

export const openaiDialect: Dialect = {
  id: 'openai',
  routedRequest: (body, headers, path) => toRoutedRequest(body, headers, path),
  isStream: (body) => body['stream'] === true,
  streamTap: (now, listener) => new SseTap(now, listener),
  usageTokens(body) {
    const usage = (body as { usage?: { completion_tokens?: unknown } } | null)?.usage;
    return typeof usage?.completion_tokens === 'number' ? usage.completion_tokens : null;
  },
  usageTokensOfText: (text) => completionTokensIn(text),
  error(status, message, type): DialectError {
    return { status, contentType: 'application/json', body: JSON.stringify(openAIError(status, message, type)) };
  },
  streamFailureTail: sseErrorTail,
};
