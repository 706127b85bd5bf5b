// POST /v1/chat/completions (reference vllm.md §1.3-1.4).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tokenize } from '../tokenizer';
import { renderChat } from './chatTemplate';
import type { ServeContext } from './context';
import { isWireError } from './errors';
import { type GenerationFormat, runGeneration } from './generate';
import { sendError } from './http';
import { parseSampling, resolveMaxTokens } from './params';
import { planToolCall } from './toolCalls';

/** The first piece of a tool call carries its id, type and name; later ones only more of the arguments. */
function toolCallDelta(call: { id: string; name: string }, tokenIndex: number, piece: string): Record<string, unknown> {
  const head = tokenIndex === 0 ? { id: call.id, type: 'function' } : {};
  const fn = tokenIndex === 0 ? { name: call.name, arguments: piece } : { arguments: piece };
  return { tool_calls: [{ index: 0, ...head, function: fn }] };
}

export const chatFormat: GenerationFormat = {
  idPrefix: 'chatcmpl-',
  chunkObject: 'chat.completion.chunk',
  firstChoice: (index) => ({ index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }),
  tokenChoice: ({ index, tokenIndex, piece, plan, finish }) => {
    const delta = plan.toolCall ? toolCallDelta(plan.toolCall, tokenIndex, piece) : { content: piece };
    return finish
      ? { index, delta, logprobs: null, finish_reason: finish.reason, stop_reason: finish.stopReason }
      : { index, delta, logprobs: null, finish_reason: null };
  },
  finalBody: (base, choices, usage) => ({
    id: base.id,
    object: 'chat.completion',
    created: base.created,
    model: base.model,
    choices: choices.map((c) => ({
      index: c.index,
      message: {
        role: 'assistant',
        content: c.toolCall ? null : c.text,
        refusal: null,
        annotations: null,
        audio: null,
        function_call: null,
        tool_calls: c.toolCall
          ? [
              {
                id: c.toolCall.id,
                type: 'function',
                function: { name: c.toolCall.name, arguments: c.toolCall.arguments },
              },
            ]
          : [],
        reasoning_content: null,
      },
      logprobs: null,
      finish_reason: c.finishReason,
      stop_reason: c.stopReason,
    })),
    service_tier: null,
    system_fingerprint: null,
    usage: { ...usage, prompt_tokens_details: usage.prompt_tokens_details ?? null },
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
  runGeneration(ctx, req, res, body, {
    prompts: [tokens],
    maxTokens: [maxTokens],
    params,
    format: chatFormat,
    planFor: (_prompt, choice, promptHash) => planToolCall(body, ctx.seed, promptHash, choice, maxTokens),
  });
}
