// POST /v1/chat/completions (reference vllm.md §1.3-1.4).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tokenize } from '../tokenizer';
import { renderChat } from './chatTemplate';
import type { ServeContext } from './context';
import { isWireError } from './errors';
import { type GenerationFormat, runGeneration } from './generate';
import { sendError } from './http';
import { parseSampling, resolveMaxTokens } from './params';

export const chatFormat: GenerationFormat = {
  idPrefix: 'chatcmpl-',
  chunkObject: 'chat.completion.chunk',
  firstChoice: (index) => ({ index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }),
  tokenChoice: (index, piece, finish) =>
    finish
      ? {
          index,
          delta: { content: piece },
          logprobs: null,
          finish_reason: finish.reason,
          stop_reason: finish.stopReason,
        }
      : { index, delta: { content: piece }, logprobs: null, finish_reason: null },
  finalBody: (base, choices, usage) => ({
    id: base.id,
    object: 'chat.completion',
    created: base.created,
    model: base.model,
    choices: choices.map((c) => ({
      index: c.index,
      message: {
        role: 'assistant',
        content: c.text,
        refusal: null,
        annotations: null,
        audio: null,
        function_call: null,
        tool_calls: [],
        reasoning_content: null,
      },
      logprobs: null,
      finish_reason: c.finishReason,
      stop_reason: c.stopReason,
    })),
    service_tier: null,
    system_fingerprint: null,
    usage: { ...usage, prompt_tokens_details: null },
    prompt_logprobs: null,
    kv_transfer_params: null,
  }),
};

export function handleChat(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
): void {
  const params = parseSampling(body, 'chat');
  if (isWireError(params)) {
    sendError(res, params);
    return;
  }
  const prompt = renderChat(body['messages'], body['tools']);
  if (typeof prompt !== 'string') {
    sendError(res, prompt);
    return;
  }
  const tokens = tokenize(prompt);
  const maxTokens = resolveMaxTokens(tokens.length, params.maxTokens, ctx.profile.maxModelLen, 'chat');
  if (isWireError(maxTokens)) {
    sendError(res, maxTokens);
    return;
  }
  runGeneration(ctx, req, res, body, { prompts: [tokens], maxTokens: [maxTokens], params, format: chatFormat });
}
