// The request fields vLLM reads for generation (reference vllm.md §1.3), validated the way it answers them.
import { badRequest, type WireError } from './errors';

export interface SamplingParams {
  n: number;
  /** Requested output cap; undefined means up to the context length. */
  maxTokens: number | undefined;
  minTokens: number;
  ignoreEos: boolean;
  stop: string[];
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
  seed: number | undefined;
  cacheSalt: string | undefined;
}

function optionalInteger(body: Record<string, unknown>, key: string, min: number): number | undefined | WireError {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    return badRequest(`1 validation error: ${key} must be an integer >= ${min}`, key);
  }
  return value;
}

export function parseSampling(body: Record<string, unknown>, kind: 'chat' | 'completion'): SamplingParams | WireError {
  const stream = body['stream'] ?? false;
  if (typeof stream !== 'boolean') return badRequest('1 validation error: stream must be a boolean', 'stream');
  const streamOptions = body['stream_options'];
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!stream) return badRequest('Stream options can only be defined when `stream=True`.', 'stream_options');
    if (typeof streamOptions !== 'object') {
      return badRequest('1 validation error: stream_options must be an object', 'stream_options');
    }
  }
  const options = (streamOptions ?? {}) as { include_usage?: unknown; continuous_usage_stats?: unknown };
  const n = optionalInteger(body, 'n', 1);
  if (typeof n === 'object') return n;
  const maxTokens = optionalInteger(body, 'max_tokens', 1);
  if (typeof maxTokens === 'object') return maxTokens;
  const maxCompletionTokens = kind === 'chat' ? optionalInteger(body, 'max_completion_tokens', 1) : undefined;
  if (typeof maxCompletionTokens === 'object') return maxCompletionTokens;
  const minTokens = optionalInteger(body, 'min_tokens', 0);
  if (typeof minTokens === 'object') return minTokens;
  const seed = optionalInteger(body, 'seed', Number.MIN_SAFE_INTEGER);
  if (typeof seed === 'object') return seed;
  const stopValue = body['stop'];
  let stop: string[] = [];
  if (typeof stopValue === 'string') stop = [stopValue];
  else if (Array.isArray(stopValue) && stopValue.every((s) => typeof s === 'string')) stop = stopValue as string[];
  else if (stopValue !== undefined && stopValue !== null) {
    return badRequest('1 validation error: stop must be a string or a list of strings', 'stop');
  }
  const salt = body['cache_salt'];
  return {
    n: n ?? 1,
    maxTokens: maxCompletionTokens ?? maxTokens,
    minTokens: minTokens ?? 0,
    ignoreEos: body['ignore_eos'] === true,
    stop,
    stream,
    includeUsage: options.include_usage === true,
    continuousUsage: options.continuous_usage_stats === true,
    seed,
    cacheSalt: typeof salt === 'string' && salt ? salt : undefined,
  };
}

/** The output cap after vLLM's context-length checks (serving_engine._validate_input), or the 400 it answers. */
export function resolveMaxTokens(
  promptTokens: number,
  requested: number | undefined,
  maxModelLen: number,
  kind: 'chat' | 'completion',
): number | WireError {
  if (promptTokens >= maxModelLen) {
    const what = kind === 'chat' ? 'messages' : 'prompt';
    return badRequest(
      `This model's maximum context length is ${maxModelLen} tokens. However, your request has ${promptTokens} input tokens. Please reduce the length of the input ${what}.`,
    );
  }
  if (requested === undefined) return maxModelLen - promptTokens;
  if (promptTokens + requested > maxModelLen) {
    return badRequest(
      `'max_tokens' or 'max_completion_tokens' is too large: ${requested}. This model's maximum context length is ${maxModelLen} tokens and your request has ${promptTokens} input tokens (${requested} > ${maxModelLen} - ${promptTokens}).`,
    );
  }
  return requested;
}
