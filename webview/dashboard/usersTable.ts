// Gateway users (config `users`): who is using the GPUs now. One row per user: in flight, waiting for a fair share,
// requests and tokens in the last minute against the user's limits, requests since start, and 429s by cause.
import type { UserState } from '../../core/protocol';
import { formatCount } from './format';
import { KeyedTable } from './keyedTable';

export function createUsersTable(): KeyedTable<UserState> {
  return new KeyedTable<UserState>(
    [
      { header: 'User', value: (u) => u.user },
      { header: 'In flight', numeric: true, value: (u) => formatCount(u.inFlight) },
      {
        header: 'Queued',
        numeric: true,
        value: (u) => formatCount(u.queued),
        tone: (u) => (u.queued > 0 ? 'warn' : null),
      },
      {
        header: 'Requests/min',
        numeric: true,
        value: (u) => ofLimit(u.requestsThisMinute, u.limits.requestsPerMinute),
        tone: (u) => nearLimit(u.requestsThisMinute, u.limits.requestsPerMinute),
        title: (u) => limitTitle('requests', u.limits.requestsPerMinute),
      },
      {
        header: 'Tokens/min',
        numeric: true,
        value: (u) => ofLimit(u.tokensThisMinute, u.limits.tokensPerMinute),
        tone: (u) => nearLimit(u.tokensThisMinute, u.limits.tokensPerMinute),
        title: (u) => limitTitle('tokens', u.limits.tokensPerMinute),
      },
      { header: 'Requests', numeric: true, value: (u) => formatCount(u.requests) },
      {
        header: '429s',
        numeric: true,
        value: (u) => formatCount(refusals(u)),
        tone: (u) => (refusals(u) > 0 ? 'bad' : null),
        title: (u) => refusalTitle(u),
      },
    ],
    (u) => u.user,
    { className: 'users', label: 'Users', emptyText: 'No users' },
  );
}

/** Busiest first (in flight, then waiting), then by name, so the table reads "who is using the GPUs now". */
export function usersInDisplayOrder(users: readonly UserState[]): UserState[] {
  return users
    .slice()
    .sort((a, b) => b.inFlight - a.inFlight || b.queued - a.queued || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

function ofLimit(used: number, limit: number | undefined): string {
  return limit === undefined ? formatCount(used) : `${formatCount(used)} / ${formatCount(limit)}`;
}

/** "warn" from 80% of a limit, "bad" at it. */
function nearLimit(used: number, limit: number | undefined): string | null {
  if (limit === undefined || limit <= 0) return null;
  if (used >= limit) return 'bad';
  return used >= limit * 0.8 ? 'warn' : null;
}

function limitTitle(what: string, limit: number | undefined): string {
  return limit === undefined ? `no limit on ${what} per minute` : `limit: ${limit} ${what} per minute`;
}

function refusals(user: UserState): number {
  return Object.values(user.refused).reduce((sum, n) => sum + n, 0);
}

const CAUSE_WORDS: Record<string, string> = {
  requestsPerMinute: 'over the requests limit',
  tokensPerMinute: 'over the tokens limit',
  queue: 'too many waiting',
};

function refusalTitle(user: UserState): string | null {
  const parts = Object.entries(user.refused)
    .filter(([, n]) => n > 0)
    .map(([cause, n]) => `${n} ${CAUSE_WORDS[cause] ?? cause}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}
