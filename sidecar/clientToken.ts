// The client token check of the proxied routes: `Authorization: Bearer TOKEN` (OpenAI clients) or `x-api-key: TOKEN`
// (Anthropic clients), compared in constant time (both sides hashed first, so neither length nor content leaks).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { bearerOf } from './admin/auth';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** True when no token is required, or the request carries it as a Bearer token or as x-api-key. */
export function hasClientToken(headers: IncomingHttpHeaders, token: string | undefined): boolean {
  if (!token) return true;
  const expected = digest(token);
  const bearer = bearerOf(headers);
  if (bearer !== undefined && timingSafeEqual(digest(bearer), expected)) return true;
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && timingSafeEqual(digest(apiKey.trim()), expected);
}
