// POST /v1/load_lora_adapter {lora_name, lora_path} and /v1/unload_lora_adapter {lora_name}: vLLM's answers (a plain
// "Success: ..." text body with status 200) and errors ({"error":{...}} with type InvalidUserInput or NotFoundError).
import type { ServerResponse } from 'node:http';
import type { ServeContext } from './context';
import { wireError } from './errors';
import { sendError } from './http';

export function handleLoraRoute(ctx: ServeContext, res: ServerResponse, path: string, raw: Buffer): void {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    sendError(
      res,
      wireError(400, `1 validation error: invalid JSON: ${(error as Error).message}`, 'body', 'Bad Request'),
    );
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sendError(res, wireError(400, '1 validation error: the body must be a JSON object', 'body', 'Bad Request'));
    return;
  }
  const fields = body as Record<string, unknown>;
  const result =
    path === '/v1/load_lora_adapter'
      ? ctx.models.load(fields['lora_name'], fields['lora_path'])
      : ctx.models.unload(fields['lora_name']);
  if (!result.ok) {
    sendError(res, wireError(result.status, result.message, null, result.type));
    return;
  }
  // Starlette's Response(content=str) without a media type: no content-type header.
  res.writeHead(200, { 'content-length': Buffer.byteLength(result.message) });
  res.end(result.message);
}
