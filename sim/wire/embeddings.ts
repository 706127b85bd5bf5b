// POST /v1/embeddings: deterministic unit vectors, computed (timed) as a prefill-only engine request per input.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineRequestHandle } from '../engine/engine';
import { hashInts, seededRandom } from '../hash';
import { promptTokenLists } from './completions';
import type { ServeContext } from './context';
import { badRequest, isWireError } from './errors';
import { requestId } from './generate';
import { sendError, sendJson } from './http';

export function embeddingOf(tokens: readonly number[], dims: number, seed: number): number[] {
  const random = seededRandom(hashInts(tokens, seed));
  const vector = Array.from({ length: dims }, () => random() * 2 - 1);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}

function base64Floats(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

export function handleEmbeddings(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
): void {
  const inputs = promptTokenLists(body['input'], 'input');
  if (isWireError(inputs)) {
    sendError(res, inputs);
    return;
  }
  const format = body['encoding_format'] ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    sendError(res, badRequest('1 validation error: encoding_format must be "float" or "base64"', 'encoding_format'));
    return;
  }
  for (const input of inputs) {
    if (input.length >= ctx.profile.maxModelLen) {
      const { maxModelLen } = ctx.profile;
      sendError(
        res,
        badRequest(
          `This model's maximum context length is ${maxModelLen} tokens. However, your request has ${input.length} input tokens. Please reduce the length of the input.`,
        ),
      );
      return;
    }
  }
  const served = ctx.models.resolve(body['model']);
  const lora = served?.kind === 'lora' ? served.adapter.name : undefined;
  const id = `embd-${requestId(req, body)}`;
  const created = Math.floor(Date.now() / 1000);
  const handles: EngineRequestHandle[] = [];
  let remaining = inputs.length;
  let finished = false;
  res.on('close', () => {
    if (finished) return;
    finished = true;
    for (const handle of handles) handle.abort();
    if (!ctx.stopped) ctx.counters.aborted++;
  });
  const done = () => {
    if (--remaining > 0 || finished) return;
    finished = true;
    ctx.counters.completed++;
    const promptTokens = inputs.reduce((sum, t) => sum + t.length, 0);
    sendJson(res, 200, {
      id,
      object: 'list',
      created,
      model: lora ?? ctx.model,
      data: inputs.map((tokens, index) => {
        const vector = embeddingOf(tokens, ctx.profile.embeddingDims, ctx.seed);
        return { index, object: 'embedding', embedding: format === 'base64' ? base64Floats(vector) : vector };
      }),
      usage: {
        prompt_tokens: promptTokens,
        total_tokens: promptTokens,
        completion_tokens: 0,
        prompt_tokens_details: null,
      },
    });
  };
  try {
    for (const tokens of inputs) {
      handles.push(
        ctx.engine.submit(
          { promptTokens: tokens, outputLength: 0, finishReason: 'stop', ...(lora ? { lora } : {}) },
          { onToken: () => {}, onFinish: done },
        ),
      );
    }
  } catch (error) {
    finished = true;
    for (const handle of handles) handle.abort();
    sendError(res, badRequest(error instanceof Error ? error.message : String(error)));
  }
}
