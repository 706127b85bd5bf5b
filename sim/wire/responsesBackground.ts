// `background: true` on POST /v1/responses, as vLLM runs it (store on): the answer is the response at once with
// status "queued"; the engine runs it with nobody attached; GET shows in_progress, then completed (or incomplete);
// POST .../cancel while it runs marks it cancelled and aborts it.
import type { ServerResponse } from 'node:http';
import type { EngineRequestHandle } from '../engine/engine';
import { hashInts } from '../hash';
import { type OutputPlan, planOutput } from '../textGen';
import type { ServeContext } from './context';
import { badRequest } from './errors';
import type { ChoiceResult, Usage } from './generate';
import { sendError, sendJson } from './http';
import type { SamplingParams } from './params';
import type { ChatMessage } from './responseStore';

export interface BackgroundRun {
  id: string;
  tokens: number[];
  maxTokens: number;
  params: SamplingParams;
  lora: string | undefined;
  messages: ChatMessage[];
  planFor: (promptHash: number) => OutputPlan | undefined;
  /** The response object with this status, output and usage. */
  response: (status: string, output: unknown[], usage: Record<string, unknown> | null) => Record<string, unknown>;
  /** The final response of a finished run (stores it). */
  finish: (result: ChoiceResult, usage: Usage, cached: number) => Record<string, unknown>;
}

export function runInBackground(ctx: ServeContext, res: ServerResponse, run: BackgroundRun): void {
  const promptHash = hashInts(run.tokens, run.params.seed ?? 0);
  const plan =
    run.planFor(promptHash) ??
    planOutput({
      seed: ctx.seed,
      promptHash,
      choiceIndex: 0,
      maxTokens: run.maxTokens,
      minTokens: run.params.minTokens,
      ignoreEos: run.params.ignoreEos,
      stop: run.params.stop,
      naturalLength: ctx.profile.outputTokens,
    });
  const store = ctx.responses;
  const queued = run.response('queued', [], null);
  const entry = { response: queued, messages: run.messages, cancel: () => handle.abort() };
  let produced = 0;
  let handle: EngineRequestHandle;
  try {
    handle = submit();
  } catch (error) {
    sendError(res, badRequest(error instanceof Error ? error.message : String(error)));
    return;
  }
  store.put(run.id, entry);
  sendJson(res, 200, queued);

  function submit(): EngineRequestHandle {
    return ctx.engine.submit(
      {
        promptTokens: run.tokens,
        outputLength: plan.pieces.length,
        finishReason: plan.finishReason === 'length' ? 'length' : 'stop',
        ...(run.params.cacheSalt ? { cacheSalt: run.params.cacheSalt } : {}),
        ...(run.lora ? { lora: run.lora } : {}),
      },
      {
        onToken: (index) => {
          produced = index + 1;
          if (index === 0 && entry.response['status'] === 'queued')
            entry.response = run.response('in_progress', [], null);
        },
        onFinish: () => {
          ctx.counters.completed++;
          delete (entry as { cancel?: unknown }).cancel;
          if (entry.response['status'] === 'cancelled') return;
          const text = plan.pieces.join('');
          const usage: Usage = {
            prompt_tokens: run.tokens.length,
            completion_tokens: produced,
            total_tokens: run.tokens.length + produced,
          };
          const result: ChoiceResult = {
            index: 0,
            text: plan.toolCall ? '' : text,
            finishReason: plan.finishReason,
            stopReason: plan.stopReason,
            ...(plan.toolCall ? { toolCall: { ...plan.toolCall, arguments: text } } : {}),
          };
          entry.response = run.finish(result, usage, handle.cachedTokens);
        },
      },
    );
  }
}

/** POST /v1/responses/{id}/cancel: vLLM cancels only a queued or running background response. */
export function cancelResponse(ctx: ServeContext, id: string): Record<string, unknown> | undefined {
  const entry = ctx.responses.get(id);
  const status = entry?.response['status'];
  if (!entry || (status !== 'queued' && status !== 'in_progress')) return undefined;
  entry.response = { ...entry.response, status: 'cancelled' };
  entry.cancel?.();
  delete entry.cancel;
  return entry.response;
}
