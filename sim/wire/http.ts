// Small node:http helpers for the simulator's server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicErrorBody, errorBody, type WireError } from './errors';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: WireError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, errorBody(error), headers);
}

/** vLLM's Anthropic routes: `{"type":"error","error":{"type","message"}}`, the type being vLLM's error type. */
export function sendAnthropicError(res: ServerResponse, error: WireError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, anthropicErrorBody(error), headers);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
