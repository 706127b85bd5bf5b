// The Anthropic Messages dialect (POST /v1/messages and /v1/messages/count_tokens): Claude Code's protocol. Prefix
// key in template order (anthropicPrompt.ts), the session key Claude Code sends, the Anthropic stream tap, and
// errors in Anthropic's shape, with `event: error` ending a failed stream.
import { LazyRoutedRequest } from '../balancer/lazyRoutedRequest';
import type { RoutedRequest } from '../balancer/types';
import { anthropicError, anthropicFailureTail } from './anthropicErrors';
import { anthropicOpensConversation, renderAnthropicPrompt } from './anthropicPrompt';
import { AnthropicStreamTap } from './anthropicStreamTap';
import { firstHeader, isRecord, nonEmptyString, usageOutputTokens } from './bodyFields';
import type { Dialect, RequestHeaders, StreamTap, TokenListener } from './dialect';
import { writtenPrompt } from './promptWriter';

export const COUNT_TOKENS_PATH = '/v1/messages/count_tokens';

/** The sidecar's own session header, then Claude Code's (v2.1.86 and later send it on every request). */
const SESSION_HEADERS = ['x-session-id', 'x-claude-code-session-id'];

/**
 * The session: a header, else `metadata.user_id`. Claude Code fills user_id per session (older versions as
 * `user_<hash>_account_<id>_session_<uuid>`, newer ones as a JSON string with `session_id`); used whole, it is a
 * stable key for the session either way.
 */
export function anthropicSessionKey(body: Record<string, unknown>, headers: RequestHeaders): string | undefined {
  const metadata = body['metadata'];
  return (
    firstHeader(headers, SESSION_HEADERS) ?? (isRecord(metadata) ? nonEmptyString(metadata['user_id']) : undefined)
  );
}

/** The prompt is rendered when a balancer reads it; count_tokens only tokenizes, so it fills no cache. */
export function anthropicRoutedRequest(
  body: Record<string, unknown>,
  headers: RequestHeaders,
  path?: string,
): RoutedRequest {
  return new LazyRoutedRequest(
    {
      model: nonEmptyString(body['model']),
      sessionKey: anthropicSessionKey(body, headers),
      cacheSalt: nonEmptyString(body['cache_salt']),
      newConversation: anthropicOpensConversation(body),
      fillsCache: path === COUNT_TOKENS_PATH ? false : undefined,
    },
    writtenPrompt((writer) => renderAnthropicPrompt(body, writer)),
  );
}

/** usage.output_tokens of a non-streamed Message; null for count_tokens answers ({"input_tokens": n}). */
export const anthropicUsageTokens: (body: unknown) => number | null = usageOutputTokens;

export const anthropicDialect: Dialect = {
  id: 'anthropic',
  routedRequest: anthropicRoutedRequest,
  isStream: (body) => body['stream'] === true,
  streamTap: (now: () => number, listener: TokenListener): StreamTap => new AnthropicStreamTap(now, listener),
  usageTokens: anthropicUsageTokens,
  error: anthropicError,
  streamFailureTail: anthropicFailureTail,
};
