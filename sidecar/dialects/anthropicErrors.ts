// Errors in Anthropic's shape, {"type":"error","error":{"type","message"}}, with the error type Anthropic gives each
// status (docs.anthropic.com, "Errors"); a stream that fails after its first byte ends with `event: error` carrying the
// same body, as Anthropic's own streams do (the SDK raises it as an APIError).
import { scrub } from '../log';
import type { DialectError } from './dialect';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

const TYPE_OF_STATUS: Record<number, AnthropicErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  408: 'timeout_error',
  413: 'request_too_large',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};
const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(TYPE_OF_STATUS));

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}

/** The body for `status`; a `type` the caller names is kept only when it is one of Anthropic's own. */
export function anthropicErrorBody(status: number, message: string, type?: string): AnthropicErrorBody {
  const errorType =
    type !== undefined && KNOWN_TYPES.has(type)
      ? (type as AnthropicErrorType)
      : (TYPE_OF_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'));
  return { type: 'error', error: { type: errorType, message: scrub(message) } };
}

export function anthropicError(status: number, message: string, type?: string): DialectError {
  return { status, contentType: 'application/json', body: JSON.stringify(anthropicErrorBody(status, message, type)) };
}

export function anthropicFailureTail(message: string): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(500, message, 'api_error'))}\n\n`;
}
