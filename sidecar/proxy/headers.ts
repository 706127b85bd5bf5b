// Header rewriting between client and replica, on flat [name, value, name, value...] lists (what node:http and undici
// read and write without building objects): hop-by-hop headers never cross, the replica's key replaces the client's
// credentials when one is configured, the sidecar's own client token never reaches a replica, and compression is not
// asked for (events must pass untouched).

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

function connectionTokens(value: string | undefined): ReadonlySet<string> {
  // The usual values name no other header: no set to build for them.
  if (value === undefined || value === 'keep-alive' || value === 'close') return NO_TOKENS;
  return new Set(
    value
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** The client's credentials: OpenAI clients send Authorization, Anthropic clients x-api-key. */
const CLIENT_CREDENTIALS: ReadonlySet<string> = new Set(['authorization', 'x-api-key']);

/**
 * The client's raw headers as the replica gets them. The client's credentials cross only when they can be meant for
 * the replica: never when the sidecar checked them as its own token (`clientCredentialsAreOurs`: clientToken or a
 * user's token), never when the replica has its own key (`authorization`, which goes instead).
 */
export function upstreamRequestHeaders(
  raw: readonly string[],
  authorization: string | undefined,
  clientCredentialsAreOurs = false,
): string[] {
  const dropCredentials = clientCredentialsAreOurs || authorization !== undefined;
  let named: ReadonlySet<string> = NO_TOKENS;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') named = connectionTokens(raw[i + 1]);
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || NOT_FORWARDED_UPSTREAM.has(name) || named.has(name)) continue;
    if (dropCredentials && CLIENT_CREDENTIALS.has(name)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  if (authorization) out.push('authorization', authorization);
  return out;
}

export interface ClientHeaders {
  /** Flat list for ServerResponse.writeHead. */
  list: string[];
  /** The answer is an SSE stream (content-type text/event-stream). */
  eventStream: boolean;
  /** The declared content-length, -1 when there is none. */
  contentLength: number;
}

/** The replica's raw response headers (undici's Buffer list) as the client gets them. */
export function clientResponseHeaders(raw: readonly Buffer[]): ClientHeaders {
  const list: string[] = [];
  let named: ReadonlySet<string> = NO_TOKENS;
  let eventStream = false;
  let contentLength = -1;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const value = raw[i + 1]!.toString('latin1');
    const lower = name.toLowerCase();
    if (lower === 'content-type') eventStream = value.includes('text/event-stream');
    else if (lower === 'content-length') contentLength = Number(value);
    else if (lower === 'connection') named = connectionTokens(value);
    if (HOP_BY_HOP.has(lower)) continue;
    list.push(lower, value);
  }
  if (named !== NO_TOKENS) {
    const kept: string[] = [];
    for (let i = 0; i < list.length; i += 2) if (!named.has(list[i]!)) kept.push(list[i]!, list[i + 1]!);
    return { list: kept, eventStream, contentLength };
  }
  return { list, eventStream, contentLength };
}
