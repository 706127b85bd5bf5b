// The OpenAI Responses dialect (POST /v1/responses, GET/DELETE /v1/responses/{id}, POST .../cancel): Codex CLI's
// protocol. Prefix key in template order (responsesPrompt.ts), the session key Codex sends, the Responses stream
// tap, OpenAI-shaped errors and a `response.failed` tail.

import { LazyRoutedRequest } from '../balancer/lazyRoutedRequest';
import type { RoutedRequest } from '../balancer/types';
import { createdResponseId } from '../proxy/responseAffinity';
import { firstHeader, isRecord, nonEmptyString, usageOutputTokens } from './bodyFields';
import type { Dialect, RequestHeaders, StreamTap, TokenListener } from './dialect';
import { writtenPrompt } from './promptWriter';
import { responsesError, responsesFailureTail } from './responsesErrors';
import { renderResponsesPrompt, responsesOpensConversation } from './responsesPrompt';
import { ResponsesStreamTap } from './responsesStreamTap';

/**
 * Headers that name a conversation, most specific first: the sidecar's own, then Codex CLI's (`session_id`, the
 * conversation id, on every request of a session; older versions also sent `conversation_id`, newer may use dashes).
 */
const SESSION_HEADERS = ['x-session-id', 'session_id', 'session-id', 'conversation_id', 'conversation-id'];

export function responsesSessionKey(body: Record<string, unknown>, headers: RequestHeaders): string | undefined {
  const conversation = body['conversation'];
  return (
    firstHeader(headers, SESSION_HEADERS) ??
    // Codex also sets prompt_cache_key to the conversation id; other clients use it for the same purpose.
    nonEmptyString(body['prompt_cache_key']) ??
    nonEmptyString(conversation) ??
    (isRecord(conversation) ? nonEmptyString(conversation['id']) : undefined) ??
    nonEmptyString(body['user'])
  );
}

/**
 * The prompt is rendered when a balancer reads it. Only POST /v1/responses runs the engine; GET, DELETE and cancel of
 * a stored response fill no cache.
 */
export function responsesRoutedRequest(
  body: Record<string, unknown>,
  headers: RequestHeaders,
  path?: string,
): RoutedRequest {
  return new LazyRoutedRequest(
    {
      model: nonEmptyString(body['model']),
      sessionKey: responsesSessionKey(body, headers),
      cacheSalt: nonEmptyString(body['cache_salt']),
      newConversation: responsesOpensConversation(body),
      fillsCache: path === undefined || path === '/v1/responses' ? undefined : false,
    },
    writtenPrompt((writer) => renderResponsesPrompt(body, writer)),
  );
}

/** usage.output_tokens of a Response object (a non-streamed answer, or GET /v1/responses/{id}). */
export const responsesUsageTokens: (body: unknown) => number | null = usageOutputTokens;

export const responsesDialect: Dialect = {
  id: 'openai-responses',
  routedRequest: responsesRoutedRequest,
  isStream: (body) => body['stream'] === true,
  streamTap: (now: () => number, listener: TokenListener): StreamTap => new ResponsesStreamTap(now, listener),
  usageTokens: responsesUsageTokens,
  createdId: createdResponseId,
  error: responsesError,
  streamFailureTail: (message) => responsesFailureTail(message),
};
