// Who is calling: the configured users' tokens and the single clientToken (the anonymous user), looked up in constant
// time. Every presented token is hashed and compared with every configured digest (crypto.timingSafeEqual on
// fixed-length SHA-256 digests, no early exit), so neither which user matched nor a token's length leaks by timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { DEFAULTS } from '../../core/config/defaults';
import type { Config, UserLimits } from '../../core/config/types';

export interface User {
  /** The name in metrics, logs and the dashboard; "anonymous" for clientToken (or for everyone when no token is set). */
  name: string;
  anonymous: boolean;
  limits: UserLimits;
}

interface Entry {
  digest: Buffer;
  user: User;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The token a request presents: `Authorization: Bearer TOKEN`, else `x-api-key: TOKEN` (Anthropic clients). */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^\s*bearer\s+(.+?)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() !== '' ? apiKey.trim() : undefined;
}

export class UserDirectory {
  private readonly entries: Entry[];
  /** Requests without a token are anonymous when no token is configured at all (a loopback sidecar). */
  readonly required: boolean;
  readonly anonymous: User;
  /** Whether any request can be the anonymous user: a clientToken is set, or no token at all. */
  private readonly anonymousReachable: boolean;

  constructor(config: Pick<Config, 'users' | 'clientToken'>) {
    this.anonymous = { name: DEFAULTS.anonymousUser, anonymous: true, limits: {} };
    this.entries = (config.users ?? []).map((user) => ({
      digest: digest(user.token),
      user: { name: user.name, anonymous: false, limits: { ...user.limits } },
    }));
    if (config.clientToken) this.entries.push({ digest: digest(config.clientToken), user: this.anonymous });
    this.required = this.entries.length > 0;
    this.anonymousReachable = !this.required || Boolean(config.clientToken);
  }

  /** The user a token belongs to; undefined when a token is required and this one is missing or unknown (401). */
  authenticate(token: string | undefined): User | undefined {
    if (!this.required) return this.anonymous;
    if (token === undefined) return undefined;
    const presented = digest(token);
    let found: User | undefined;
    for (const entry of this.entries) {
      // No early exit: the work is the same whichever entry matches.
      if (timingSafeEqual(presented, entry.digest) && found === undefined) found = entry.user;
    }
    return found;
  }

  /**
   * Every named user, then the anonymous one where a request can be it, for zero-valued metrics and the dashboard
   * table (named users without a clientToken: no row that can only ever show zeros).
   */
  users(): User[] {
    const named = this.entries.filter((entry) => !entry.user.anonymous).map((entry) => entry.user);
    return this.anonymousReachable ? [...named, this.anonymous] : named;
  }
}
