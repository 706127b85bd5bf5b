// Per-user limits over a sliding minute: requests are counted when admitted, tokens when a request finishes (the
// replica reports usage only then), so a user can overshoot tokensPerMinute by what their requests in flight use; the
// next request after that waits until the minute has room again.
import type { Clock } from '../pool/clock';
import { SlidingWindow } from './slidingWindow';
import type { User } from './userDirectory';

export type LimitName = 'requestsPerMinute' | 'tokensPerMinute';

export type LimitVerdict =
  /** `countedIn`: the second the request was counted in, for refund(). */
  | { allowed: true; countedIn: number }
  /** Answer 429 with `Retry-After: retryAfterSeconds`. */
  | { allowed: false; retryAfterSeconds: number; limit: LimitName };

interface Windows {
  requests: SlidingWindow;
  tokens: SlidingWindow;
}

export class UserRateLimits {
  private readonly windows = new Map<string, Windows>();

  constructor(private readonly clock: Clock) {}

  /** Admits a request (and counts it) or says when to retry. Users without limits are always admitted (and counted). */
  admit(user: User): LimitVerdict {
    const { requestsPerMinute, tokensPerMinute } = user.limits;
    const windows = this.windowsOf(user.name);
    const waits: [LimitName, number][] = [];
    if (requestsPerMinute !== undefined) {
      waits.push(['requestsPerMinute', windows.requests.msUntilBelow(requestsPerMinute)]);
    }
    if (tokensPerMinute !== undefined) waits.push(['tokensPerMinute', windows.tokens.msUntilBelow(tokensPerMinute)]);
    const [limit, wait] = waits.reduce(
      (longest, next) => (next[1] > longest[1] ? next : longest),
      ['requestsPerMinute', 0],
    );
    if (wait > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), limit };
    return { allowed: true, countedIn: windows.requests.add(1) };
  }

  /** Uncounts an admitted request that never reached the fleet (refused by the fair-share queue, or abandoned). */
  refund(user: User, countedIn: number): void {
    this.windows.get(user.name)?.requests.takeBack(1, countedIn);
  }

  /** Counts the tokens a finished request used (prompt plus completion). */
  recordTokens(user: User, tokens: number): void {
    if (!(tokens > 0)) return;
    this.windowsOf(user.name).tokens.add(tokens);
  }

  /** Requests and tokens counted in the current minute, for the dashboard. */
  usage(name: string): { requests: number; tokens: number } {
    const windows = this.windows.get(name);
    return { requests: windows?.requests.sum() ?? 0, tokens: windows?.tokens.sum() ?? 0 };
  }

  /** Forgets users no longer configured (after a reload). */
  retain(names: Set<string>): void {
    for (const name of this.windows.keys()) if (!names.has(name)) this.windows.delete(name);
  }

  private windowsOf(name: string): Windows {
    let windows = this.windows.get(name);
    if (!windows) {
      windows = { requests: new SlidingWindow(this.clock), tokens: new SlidingWindow(this.clock) };
      this.windows.set(name, windows);
    }
    return windows;
  }
}
