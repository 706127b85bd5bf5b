// Header rewriting between client and replica: hop-by-hop headers never cross, the replica's key replaces the
// client's Authorization when one is configured, and compression is not asked for (events must pass untouched).
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const NOT_FORWARDED_UPSTREAM = new Set(['host', 'content-length', 'accept-encoding', 'expect', 'origin']);

const NO_TOKENS: ReadonlySet<string> = new Set();

function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> {
  // The usual values name no other header: no set to build for them.
  if (value === undefined || value === 'keep-alive' || value === 'close') return NO_TOKENS;
  const text = Array.isArray(value) ? value.join(',') : value;
  return new Set(
    text
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

export function upstreamRequestHeaders(
  client: IncomingHttpHeaders,
  authorization: string | undefined,
): Record<string, string | string[]> {
  const named = connectionTokens(client['connection']);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_FORWARDED_UPSTREAM.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  if (authorization) out['authorization'] = authorization;
  return out;
}

export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const named = connectionTokens(upstream['connection']);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}
