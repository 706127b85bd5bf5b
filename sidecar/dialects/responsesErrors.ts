// Errors in the Responses API's own terms. The sidecar's own errors are OpenAI-shaped JSON, as on every OpenAI route.
// A stream that fails after its first byte ends with the Responses streaming `error` event and then
// `response.failed` (there is no `data: [DONE]` in this protocol): the openai SDK's stream helper rejects on the
// `error` event, and Codex CLI, which reads only `response.failed`, retries the turn with the error's message.

import { scrub } from '../log';
import { openAIError } from '../proxy/openaiError';
import type { DialectError } from './dialect';

export function responsesError(status: number, message: string, type?: string): DialectError {
  return { status, contentType: 'application/json', body: JSON.stringify(openAIError(status, message, type)) };
}

/** What the stream already told about its response; unknown parts get neutral values. */
export interface FailedStreamFacts {
  responseId?: string | undefined;
  model?: string | undefined;
  createdAt?: number | undefined;
  /** The sequence number the next event carries (one more than the last one seen). */
  sequenceNumber?: number | undefined;
}

export function responsesFailureTail(
  message: string,
  facts: FailedStreamFacts = {},
  nowSeconds = Date.now() / 1000,
): string {
  const text = scrub(message);
  const sequence = facts.sequenceNumber ?? 0;
  const error = { type: 'error', code: 'server_error', message: text, param: null, sequence_number: sequence };
  const failed = {
    type: 'response.failed',
    sequence_number: sequence + 1,
    response: {
      id: facts.responseId ?? 'resp_unknown',
      object: 'response',
      created_at: facts.createdAt ?? Math.floor(nowSeconds),
      status: 'failed',
      model: facts.model ?? '',
      output: [],
      error: { code: 'server_error', message: text },
      incomplete_details: null,
      usage: null,
    },
  };
  return `event: error\ndata: ${JSON.stringify(error)}\n\nevent: response.failed\ndata: ${JSON.stringify(failed)}\n\n`;
}
