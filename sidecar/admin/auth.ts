// Bearer-token checks in constant time: both sides are hashed first, so neither length nor content leaks by timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function bearerOf(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['authorization'];
  if (typeof header !== 'string') return undefined;
  const match = /^\s*bearer\s+(.+?)\s*$/i.exec(header);
  return match?.[1];
}

/** True when no token is required, or the request carries `Authorization: Bearer <token>`. */
export function hasToken(headers: IncomingHttpHeaders, token: string | undefined): boolean {
  if (!token) return true;
  const given = bearerOf(headers);
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(token));
}
