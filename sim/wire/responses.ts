// POST /v1/responses (the OpenAI Responses API as vLLM serves it: responses/serving.py, simple_streaming_events.py)
// and GET / DELETE /v1/responses/{id}, POST /v1/responses/{id}/cancel. The prompt is the chat template over
// responsesInput.ts's messages; a function call when function tools are given (toolCalls.ts's rules). Streamed:
// `event: <type>` + `data:` blocks: response.created, response.in_progress at once; at the first token
// output_item.added (+ content_part.added for text), then output_text.delta / function_call_arguments.delta per token,
// the done events, response.completed with usage. Stored (store defaults to true) in the replica's memory, as vLLM
// does with VLLM_ENABLE_RESPONSES_API_STORE=1; previous_response_id continues a stored conversation.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tokenize } from '../tokenizer';
import { renderChat } from './chatTemplate';
import type { ServeContext } from './context';
import { badRequest, isWireError, type WireError, wireError } from './errors';
import {
  type ChoiceResult,
  type GenerationFormat,
  runGeneration,
  type StreamProtocol,
  sseEvent,
  type Usage,
} from './generate';
import { sendError, sendJson } from './http';
import { parseSampling, resolveMaxTokens } from './params';
import type { ChatMessage } from './responseStore';
import { cancelResponse, runInBackground } from './responsesBackground';
import { chatToolChoice, chatTools, inputMessages, outputMessages } from './responsesInput';
import { planToolCall } from './toolCalls';

const hex = () => randomUUID().replace(/-/g, '');

function notFound(id: string): WireError {
  return wireError(404, `Response with id '${id}' not found.`, null, 'invalid_request_error');
}

function responseUsage(usage: Usage, cached: number): Record<string, unknown> {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.total_tokens,
  };
}

interface OutputIds {
  message: string;
  call: string;
  callItem: string;
}

function outputItems(result: ChoiceResult, ids: OutputIds): Array<Record<string, unknown>> {
  if (result.toolCall) {
    const { name, arguments: args } = result.toolCall;
    return [{ type: 'function_call', id: ids.callItem, call_id: ids.call, name, arguments: args, status: 'completed' }];
  }
  if (!result.text) return [];
  const part = { type: 'output_text', text: result.text, annotations: [], logprobs: null };
  return [{ id: ids.message, type: 'message', role: 'assistant', status: 'completed', content: [part] }];
}

export function handleResponses(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
): void {
  // Only the fields the sampling parser knows: `max_output_tokens` is the cap, `n` and `stop` do not exist here.
  const params = parseSampling(
    {
      stream: body['stream'] ?? false,
      max_tokens: body['max_output_tokens'],
      seed: body['seed'],
      cache_salt: body['cache_salt'],
    },
    'completion',
  );
  if (isWireError(params)) {
    sendError(res, params);
    return;
  }
  const background = body['background'] === true;
  if (background && !ctx.storeResponses) {
    const message =
      'This vLLM engine does not support `store=True` and therefore does not support the background mode. To enable these features, set the environment variable `VLLM_ENABLE_RESPONSES_API_STORE=1` when launching the vLLM server.';
    sendError(res, wireError(400, message, null, 'invalid_request_error'));
    return;
  }
  if (background && body['store'] === false) {
    sendError(res, badRequest('background can only be used when `store` is true', 'background'));
    return;
  }
  if (background && params.stream) {
    sendError(res, badRequest('the simulator runs background responses without streaming', 'background'));
    return;
  }
  const instructions = body['instructions'];
  if (instructions !== undefined && instructions !== null && typeof instructions !== 'string') {
    sendError(res, badRequest('1 validation error: instructions must be a string', 'instructions'));
    return;
  }
  const previousId = body['previous_response_id'];
  if (previousId !== undefined && previousId !== null && typeof previousId !== 'string') {
    sendError(res, badRequest('1 validation error: previous_response_id must be a string', 'previous_response_id'));
    return;
  }
  const previous = typeof previousId === 'string' ? ctx.responses.get(previousId) : undefined;
  if (typeof previousId === 'string' && !previous) {
    sendError(res, notFound(previousId));
    return;
  }
  if (body['input'] === undefined) {
    sendError(res, badRequest('1 validation error: input Field required', 'input'));
    return;
  }
  const input = inputMessages(body['input']);
  if (isWireError(input)) {
    sendError(res, input);
    return;
  }

  const messages: ChatMessage[] = [];
  if (instructions) messages.push({ role: 'system', content: instructions });
  if (previous) {
    messages.push(...previous.messages.filter((m) => m['role'] !== 'system'));
    messages.push(...outputMessages(previous.response['output']));
  }
  messages.push(...input);
  const tools = chatTools(body['tools']);
  const prompt = renderChat(messages, Array.isArray(body['tools']) ? body['tools'] : undefined);
  if (isWireError(prompt)) {
    sendError(res, prompt);
    return;
  }
  const tokens = tokenize(prompt);
  const maxTokens = resolveMaxTokens(tokens.length, params.maxTokens, ctx.profile.maxModelLen, 'completion');
  if (isWireError(maxTokens)) {
    sendError(res, maxTokens);
    return;
  }

  const id = typeof body['request_id'] === 'string' && body['request_id'] ? body['request_id'] : `resp_${hex()}`;
  const ids: OutputIds = { message: `msg_${hex()}`, call: `call_${hex()}`, callItem: `fc_${hex()}` };
  const store = body['store'] !== false && ctx.storeResponses;
  const created = Math.floor(Date.now() / 1000);
  const served = ctx.models.resolve(body['model']);
  const model = served?.kind === 'lora' ? served.adapter.name : ctx.model;
  const response = (status: string, output: unknown[], usage: Record<string, unknown> | null) => ({
    id,
    created_at: created,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: instructions ?? null,
    metadata: body['metadata'] ?? null,
    model,
    object: 'response',
    output,
    parallel_tool_calls: body['parallel_tool_calls'] ?? true,
    temperature: typeof body['temperature'] === 'number' ? body['temperature'] : 1.0,
    tool_choice: body['tool_choice'] ?? 'auto',
    tools: Array.isArray(body['tools']) ? body['tools'] : [],
    top_p: typeof body['top_p'] === 'number' ? body['top_p'] : 1.0,
    background,
    max_output_tokens: maxTokens,
    max_tool_calls: null,
    previous_response_id: previousId ?? null,
    prompt: null,
    reasoning: body['reasoning'] ?? null,
    service_tier: 'auto',
    status,
    text: body['text'] ?? null,
    top_logprobs: null,
    truncation: 'disabled',
    usage,
    user: body['user'] ?? null,
  });
  const finish = (result: ChoiceResult, usage: Usage, cached: number) => {
    const final = response(
      result.finishReason === 'length' ? 'incomplete' : 'completed',
      outputItems(result, ids),
      responseUsage(usage, cached),
    );
    if (store) ctx.responses.put(id, { response: final, messages });
    return final;
  };
  const planFor = (promptHash: number, choice = 0) =>
    planToolCall(
      { tools, tool_choice: chatToolChoice(body['tool_choice']), messages },
      ctx.seed,
      promptHash,
      choice,
      maxTokens,
    );
  if (background) {
    const lora = served?.kind === 'lora' ? served.adapter.name : undefined;
    runInBackground(ctx, res, { id, tokens, maxTokens, params, lora, messages, planFor, response, finish });
    return;
  }

  const format: GenerationFormat = {
    idPrefix: '',
    chunkObject: 'response',
    tokenChoice: () => ({}),
    finalBody: (_base, choices, usage, cached) => finish(choices[0]!, usage, cached),
    stream: () => responsesStream(response, finish, ids),
  };
  runGeneration(ctx, req, res, body, {
    id,
    prompts: [tokens],
    maxTokens: [maxTokens],
    params,
    format,
    planFor: (_prompt, choice, promptHash) => planFor(promptHash, choice),
  });
}

type ResponseOf = (status: string, output: unknown[], usage: Record<string, unknown> | null) => Record<string, unknown>;

function responsesStream(
  response: ResponseOf,
  finish: (result: ChoiceResult, usage: Usage, cached: number) => Record<string, unknown>,
  ids: OutputIds,
): StreamProtocol {
  let sequence = 0;
  const event = (payload: Record<string, unknown>) =>
    sseEvent(String(payload['type']), { ...payload, sequence_number: sequence++ });
  let started = false;
  let text = '';
  let args = '';
  let call: { name: string } | undefined;
  return {
    start: () => [
      event({ type: 'response.created', response: response('in_progress', [], null) }),
      event({ type: 'response.in_progress', response: response('in_progress', [], null) }),
    ],
    token: ({ piece, plan }) => {
      const events: string[] = [];
      if (plan.toolCall) {
        if (!started) {
          started = true;
          call = { name: plan.toolCall.name };
          const item = {
            type: 'function_call',
            id: ids.callItem,
            call_id: ids.call,
            name: call.name,
            arguments: '',
            status: 'in_progress',
          };
          events.push(event({ type: 'response.output_item.added', output_index: 0, item }));
        }
        if (piece) {
          args += piece;
          events.push(
            event({
              type: 'response.function_call_arguments.delta',
              output_index: 0,
              item_id: ids.callItem,
              delta: piece,
            }),
          );
        }
        return events;
      }
      if (!piece) return events; // vLLM drops empty deltas (the EOS token's)
      if (!started) {
        started = true;
        const item = { id: ids.message, type: 'message', role: 'assistant', content: [], status: 'in_progress' };
        events.push(event({ type: 'response.output_item.added', output_index: 0, item }));
        const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
        events.push(
          event({ type: 'response.content_part.added', output_index: 0, item_id: ids.message, content_index: 0, part }),
        );
      }
      text += piece;
      const delta = { type: 'response.output_text.delta', output_index: 0, item_id: ids.message, content_index: 0 };
      events.push(event({ ...delta, delta: piece, logprobs: [] }));
      return events;
    },
    end: (usage, results, cached) => {
      const events: string[] = [];
      const final = finish(results[0]!, usage, cached);
      const item = (final['output'] as unknown[])[0];
      if (call) {
        const done = { type: 'response.function_call_arguments.done', output_index: 0, item_id: ids.callItem };
        events.push(event({ ...done, arguments: args, name: call.name }));
        events.push(event({ type: 'response.output_item.done', output_index: 0, item }));
      } else if (started) {
        const at = { output_index: 0, item_id: ids.message, content_index: 0 };
        events.push(event({ type: 'response.output_text.done', ...at, text, logprobs: [] }));
        const part = { type: 'output_text', text, annotations: [] };
        events.push(event({ type: 'response.content_part.done', ...at, part }));
        events.push(event({ type: 'response.output_item.done', output_index: 0, item }));
      }
      events.push(event({ type: 'response.completed', response: final }));
      return events;
    },
    // OpenAI's error event (ResponseErrorEvent); the stream ends after it.
    error: (status) => [event({ type: 'error', code: String(status), message: 'simulated engine error', param: null })],
  };
}

/** GET / DELETE /v1/responses/{id}, POST /v1/responses/{id}/cancel. */
export function handleStoredResponse(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  action: string,
): void {
  const stored = ctx.responses.get(id);
  if (!stored) {
    sendError(res, notFound(id));
    return;
  }
  if (action === 'GET') {
    if (/[?&]stream=true\b/.test(req.url ?? '')) {
      sendError(res, badRequest(`Unknown response_id: ${id}`));
      return;
    }
    sendJson(res, 200, stored.response);
    return;
  }
  if (action === 'DELETE') {
    // An addition: vLLM has no DELETE route (405); this answers as OpenAI does.
    ctx.responses.delete(id);
    sendJson(res, 200, { id, object: 'response', deleted: true });
    return;
  }
  const cancelled = cancelResponse(ctx, id);
  if (cancelled) sendJson(res, 200, cancelled);
  else sendError(res, wireError(400, 'Cannot cancel a synchronous response.', null, 'invalid_request_error'));
}
