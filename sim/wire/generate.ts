// Runs a chat or completions request through the engine and writes it back as vLLM does: one SSE chunk per token
// (the role chunk for chat at the first token, finish_reason on the last token's chunk, the usage chunk only with
// include_usage, then [DONE]) or one JSON body at the end. A client that disconnects aborts its engine requests.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineRequestHandle } from '../engine/engine';
import { hashInts } from '../hash';
import { type OutputPlan, planOutput } from '../textGen';
import type { ServeContext } from './context';
import { badRequest, errorBody, type WireError, wireError } from './errors';
import { sendError, sendJson } from './http';
import type { SamplingParams } from './params';

export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
  /** Only with --enable-prompt-tokens-details and a prefix-cache hit. */
  prompt_tokens_details?: { cached_tokens: number };
}

export interface ChoiceResult {
  index: number;
  text: string;
  finishReason: OutputPlan['finishReason'];
  stopReason: string | null;
  toolCall?: { id: string; name: string; arguments: string };
}

export interface TokenOut {
  /** The choice's index in the response. */
  index: number;
  /** Which output token of the choice this is (from 0). */
  tokenIndex: number;
  piece: string;
  plan: OutputPlan;
  /** Set on the choice's last token. */
  finish?: { reason: string; stopReason: string | null };
}

export interface ResponseBase {
  id: string;
  created: number;
  model: string;
}

/** One protocol's SSE events (each a complete `event:`/`data:` block) for a streamed answer. */
export interface StreamProtocol {
  /** Sent with the headers, before any token (the Responses API's response.created). */
  start?(): string[];
  token(token: TokenOut, usage: () => Usage): string[];
  /** After the last token of every choice. */
  end(usage: Usage, results: ChoiceResult[], cachedTokens: number): string[];
  /** An in-band error after the 200; the stream ends after it. */
  error(status: number): string[];
}

/** How one API shapes its chunks and its final body. */
export interface GenerationFormat {
  idPrefix: string;
  chunkObject: string;
  /** The choice of the chunk sent once per choice before its first token (chat's role chunk), if any. */
  firstChoice?(index: number): Record<string, unknown>;
  tokenChoice(token: TokenOut): Record<string, unknown>;
  finalBody(base: ResponseBase, choices: ChoiceResult[], usage: Usage, cachedTokens: number): Record<string, unknown>;
  /** Another protocol's stream (Responses, Anthropic Messages); default: OpenAI chunks and [DONE]. */
  stream?(base: ResponseBase): StreamProtocol;
  /** Errors in the protocol's own shape; default vLLM's. */
  sendError?(res: ServerResponse, error: WireError): void;
}

export const sseData = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;
export const sseEvent = (event: string, payload: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;

/** The OpenAI chunk stream of chat and completions (reference §1.4). */
function openAIStream(format: GenerationFormat, base: ResponseBase, params: SamplingParams): StreamProtocol {
  const chunk = (choice: Record<string, unknown>) => ({
    id: base.id,
    object: format.chunkObject,
    created: base.created,
    model: base.model,
    choices: [choice],
  });
  return {
    token: (token, usage) => {
      const events: Array<Record<string, unknown>> = [];
      if (token.tokenIndex === 0 && format.firstChoice) events.push(chunk(format.firstChoice(token.index)));
      events.push(chunk(format.tokenChoice(token)));
      if (params.continuousUsage) for (const event of events) event['usage'] = usage();
      return events.map(sseData);
    },
    end: (usage) => {
      const events: string[] = [];
      if (params.includeUsage) events.push(sseData({ ...chunk({}), choices: [], usage }));
      events.push('data: [DONE]\n\n');
      return events;
    },
    error: (status) => [sseData(errorBody(wireError(status, 'simulated engine error'))), 'data: [DONE]\n\n'],
  };
}

export interface GenerationRequest {
  prompts: number[][];
  /** Replaces the text answer of a choice (a tool call), when it returns a plan. */
  planFor?: (promptIndex: number, choiceIndex: number, promptHash: number) => OutputPlan | undefined;
  /** The output cap of each prompt, after the context-length checks. */
  maxTokens: number[];
  params: SamplingParams;
  format: GenerationFormat;
  /** The response id without the format's prefix; default from X-Request-Id, `request_id` or a random one. */
  id?: string;
}

export function requestId(req: IncomingMessage, body: Record<string, unknown>): string {
  const header = req.headers['x-request-id'];
  if (typeof header === 'string' && header) return header;
  const fromBody = body['request_id'];
  return typeof fromBody === 'string' && fromBody ? fromBody : randomUUID().replace(/-/g, '');
}

interface Choice {
  index: number;
  promptIndex: number;
  plan: OutputPlan;
  handle?: EngineRequestHandle;
  tokensOut: number;
  done: boolean;
}

export function runGeneration(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
  generation: GenerationRequest,
): void {
  const { params, format, prompts } = generation;
  const served = ctx.models.resolve(body['model']);
  const lora = served?.kind === 'lora' ? served.adapter.name : undefined;
  const base: ResponseBase = {
    id: `${format.idPrefix}${generation.id ?? requestId(req, body)}`,
    created: Math.floor(Date.now() / 1000),
    model: lora ?? ctx.model,
  };
  const fail = (error: WireError) => (format.sendError ? format.sendError(res, error) : sendError(res, error));
  const fault = ctx.fault;
  const resetAfter = fault.kind === 'reset-mid-stream' ? fault.afterChunks : undefined;
  const errorAfter = fault.kind === 'error-mid-stream' ? fault : undefined;
  const choices: Choice[] = [];
  prompts.forEach((prompt, promptIndex) => {
    const promptHash = hashInts(prompt, params.seed ?? 0);
    for (let i = 0; i < params.n; i++) {
      const plan =
        generation.planFor?.(promptIndex, i, promptHash) ??
        planOutput({
          seed: ctx.seed,
          promptHash,
          choiceIndex: i,
          maxTokens: generation.maxTokens[promptIndex]!,
          minTokens: params.minTokens,
          ignoreEos: params.ignoreEos,
          stop: params.stop,
          naturalLength: ctx.profile.outputTokens,
        });
      choices.push({ index: promptIndex * params.n + i, promptIndex, plan, tokensOut: 0, done: false });
    }
  });
  const promptTokens = prompts.reduce((sum, p) => sum + p.length, 0);
  /** Prompt tokens served from the prefix cache (the Responses API reports them always). */
  const cachedTokens = () =>
    choices.reduce((sum, c) => sum + (c.index % params.n === 0 ? (c.handle?.cachedTokens ?? 0) : 0), 0);
  const usage = (): Usage => {
    const completion = choices.reduce((sum, c) => sum + c.tokensOut, 0);
    const result: Usage = {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens + completion,
      completion_tokens: completion,
    };
    // The prompt's cached tokens, counted once per prompt (its first choice).
    const cached = cachedTokens();
    if (ctx.promptTokensDetails && cached > 0) result.prompt_tokens_details = { cached_tokens: cached };
    return result;
  };
  const protocol = params.stream ? (format.stream?.(base) ?? openAIStream(format, base, params)) : undefined;

  let finished = false;
  let chunks = 0;
  let tokens = 0;
  const abortAll = () => {
    for (const choice of choices) choice.handle?.abort();
  };
  res.on('close', () => {
    if (finished) return;
    finished = true;
    abortAll();
    if (!ctx.stopped) ctx.counters.aborted++;
  });
  const reset = () => {
    finished = true;
    abortAll();
    res.socket?.destroy();
  };

  // What vLLM does when the generator raises after the 200: the protocol's in-band error (reference §1.4).
  const failInBand = (status: number) => {
    finished = true;
    abortAll();
    if (!protocol) return fail(wireError(status, 'simulated engine error'));
    const events = protocol.error(status);
    for (const event of events.slice(0, -1)) res.write(event);
    res.end(events[events.length - 1] ?? '');
  };

  const write = (event: string) => {
    if (finished) return;
    chunks++;
    if (errorAfter && chunks > errorAfter.afterChunks) {
      failInBand(errorAfter.status);
      return;
    }
    if (resetAfter !== undefined && chunks >= resetAfter) {
      // Stop generating now; drop the connection once this chunk has reached the socket.
      finished = true;
      abortAll();
      res.write(event, () => res.socket?.destroy());
      return;
    }
    res.write(event);
  };

  const onToken = (choice: Choice, index: number) => {
    if (finished) return;
    choice.tokensOut = index + 1;
    tokens++;
    if (!protocol) {
      if (resetAfter !== undefined && tokens >= resetAfter) reset();
      else if (errorAfter && tokens >= errorAfter.afterChunks) failInBand(errorAfter.status);
      return;
    }
    const { plan } = choice;
    const last = index === plan.pieces.length - 1;
    const events = protocol.token(
      {
        index: choice.index,
        tokenIndex: index,
        piece: plan.pieces[index]!,
        plan,
        ...(last ? { finish: { reason: plan.finishReason, stopReason: plan.stopReason } } : {}),
      },
      usage,
    );
    for (const event of events) write(event);
  };

  const results = (): ChoiceResult[] =>
    choices.map((c): ChoiceResult => {
      const text = c.plan.pieces.join('');
      const { toolCall } = c.plan;
      return {
        index: c.index,
        text: toolCall ? '' : text,
        finishReason: c.plan.finishReason,
        stopReason: c.plan.stopReason,
        ...(toolCall ? { toolCall: { ...toolCall, arguments: text } } : {}),
      };
    });

  const onChoiceDone = (choice: Choice) => {
    choice.done = true;
    if (finished || !choices.every((c) => c.done)) return;
    finished = true;
    ctx.counters.completed++;
    if (protocol) {
      const events = protocol.end(usage(), results(), cachedTokens());
      for (const event of events.slice(0, -1)) res.write(event);
      res.end(events[events.length - 1] ?? '');
      return;
    }
    sendJson(res, 200, format.finalBody(base, results(), usage(), cachedTokens()));
  };

  try {
    for (const choice of choices) {
      choice.handle = ctx.engine.submit(
        {
          promptTokens: prompts[choice.promptIndex]!,
          outputLength: choice.plan.pieces.length,
          finishReason: choice.plan.finishReason === 'length' ? 'length' : 'stop',
          ...(params.cacheSalt ? { cacheSalt: params.cacheSalt } : {}),
          ...(lora ? { lora } : {}),
        },
        { onToken: (index) => onToken(choice, index), onFinish: () => onChoiceDone(choice) },
      );
    }
  } catch (error) {
    finished = true;
    abortAll();
    fail(badRequest(error instanceof Error ? error.message : String(error)));
    return;
  }
  if (protocol) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    res.flushHeaders();
    if (resetAfter === 0) reset();
    if (errorAfter?.afterChunks === 0) failInBand(errorAfter.status);
    for (const event of protocol.start?.() ?? []) write(event);
  } else if (resetAfter === 0) {
    reset();
  }
}
