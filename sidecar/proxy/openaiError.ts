// Errors the sidecar makes itself outside a dialect's route (Host/Origin/token checks, admin), in the OpenAI shape.
import type { ServerResponse } from 'node:http';
import { openAIError } from '../dialects/openai';

export { openAIError, sseErrorTail } from '../dialects/openai';

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
