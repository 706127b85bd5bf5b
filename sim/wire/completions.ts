// POST /v1/completions: prompt as a string, a list of strings, a list of token ids or a list of those lists.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tokenize } from '../tokenizer';
import type { ServeContext } from './context';
import { badRequest, isWireError, type WireError } from './errors';
import { type GenerationFormat, runGeneration } from './generate';
import { sendError } from './http';
import { parseSampling, resolveMaxTokens } from './params';

export const completionFormat: GenerationFormat = {
  idPrefix: 'cmpl-',
  chunkObject: 'text_completion',
  tokenChoice: ({ index, piece, finish }) => ({
    index,
    text: piece,
    logprobs: null,
    finish_reason: finish ? finish.reason : null,
    stop_reason: finish ? finish.stopReason : null,
  }),
  finalBody: (base, choices, usage) => ({
    id: base.id,
    object: 'text_completion',
    created: base.created,
    model: base.model,
    choices: choices.map((c) => ({
      index: c.index,
      text: c.text,
      logprobs: null,
      finish_reason: c.finishReason,
      stop_reason: c.stopReason,
      token_ids: null,
      prompt_logprobs: null,
      prompt_token_ids: null,
    })),
    service_tier: null,
    system_fingerprint: null,
    usage: { ...usage, prompt_tokens_details: usage.prompt_tokens_details ?? null },
    kv_transfer_params: null,
  }),
};

const isTokenList = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t) && t >= 0);

/** The prompts of a completions or embeddings request as token lists. */
export function promptTokenLists(value: unknown, field: string): number[][] | WireError {
  if (typeof value === 'string') return [tokenize(value)];
  if (isTokenList(value)) return [value];
  if (Array.isArray(value) && value.length > 0) {
    if (value.every((p) => typeof p === 'string')) return (value as string[]).map(tokenize);
    if (value.every(isTokenList)) return value as number[][];
  }
  return badRequest(
    `1 validation error: ${field} must be a string, a list of strings, a list of token ids or a list of lists of token ids`,
    field,
  );
}

export function handleCompletions(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
): void {
  const params = parseSampling(body, 'completion');
  if (isWireError(params)) {
    sendError(res, params);
    return;
  }
  const prompts = promptTokenLists(body['prompt'], 'prompt');
  if (isWireError(prompts)) {
    sendError(res, prompts);
    return;
  }
  const maxTokens: number[] = [];
  for (const prompt of prompts) {
    const max = resolveMaxTokens(prompt.length, params.maxTokens, ctx.profile.maxModelLen, 'completion');
    if (isWireError(max)) {
      sendError(res, max);
      return;
    }
    maxTokens.push(max);
  }
  runGeneration(ctx, req, res, body, { prompts, maxTokens, params, format: completionFormat });
}
