// Errors the sidecar makes itself, in the OpenAI shape {"error":{"message","type","param","code"}}.
import type { ServerResponse } from 'node:http';
import type { OpenAIErrorBody } from '../../core/protocol';
import { scrub } from '../log';

const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  502: 'upstream_error',
  503: 'service_unavailable',
  504: 'timeout_error',
};

export function openAIError(status: number, message: string, type?: string): OpenAIErrorBody {
  return {
    error: { message: scrub(message), type: type ?? TYPES[status] ?? 'server_error', param: null, code: status },
  };
}

export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
  type?: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(openAIError(status, message, type));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** The SSE event that ends a stream whose upstream failed after the first byte, followed by [DONE]. */
export function sseErrorTail(message: string): string {
  return `data: ${JSON.stringify(openAIError(502, message, 'upstream_error'))}\n\ndata: [DONE]\n\n`;
}
