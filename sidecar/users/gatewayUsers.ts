// The users machinery in one object for the request path: who is calling (authenticate), may it start now (admit:
// its limits, then its fair share of a saturated fleet), and what it used (finish). See WIRING.md for where each call
// goes. Pure: no sockets, an injected clock; the request path turns a refusal into a 429 in the caller's dialect.
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../../core/config/types';
import { type Clock, systemClock } from '../pool/clock';
import { FairShareGate, QueueFullError, type Release } from './fairShare';
import { type LimitName, UserRateLimits } from './rateLimits';
import { UserCounters, type UserFigures } from './userCounters';
import { presentedToken, type User, UserDirectory } from './userDirectory';

export interface GatewayUsersOptions {
  clock?: Clock;
  /** Requests the fleet runs at once before it is saturated and fair queuing starts; default unlimited (no queue). */
  capacity?: () => number;
  /** Requests one user may have waiting for a saturated fleet; default 64. */
  maxQueuedPerUser?: number;
  /**
   * Requests one user may have before their first token while another user is active (fairShare.ts); default
   * unlimited. The sidecar gives half a request per healthy replica (sidecar.ts PREFILL_SHARE_PER_REPLICA).
   */
  prefillShare?: () => number;
}

/** A request admitted to the fleet; give it back to finish() exactly once. */
export interface Ticket {
  readonly user: User;
  readonly release: Release;
  finished: boolean;
}

export type Admission =
  | { admitted: true; ticket: Ticket }
  /** Answer 429 with Retry-After: retryAfterSeconds, in the caller's dialect; the message names the limit, not the token. */
  | { admitted: false; retryAfterSeconds: number; cause: LimitName | 'queue'; message: string };

export interface Usage {
  promptTokens?: number;
  completionTokens?: number;
}

export interface UserRow extends UserFigures {
  requestsThisMinute: number;
  tokensThisMinute: number;
  limits: User['limits'];
}

export class GatewayUsers {
  private directory: UserDirectory;
  private readonly limits: UserRateLimits;
  private readonly gate: FairShareGate;
  private readonly counters = new UserCounters();

  constructor(config: Pick<Config, 'users' | 'clientToken'>, options: GatewayUsersOptions = {}) {
    this.directory = new UserDirectory(config);
    const clock = options.clock ?? systemClock;
    this.limits = new UserRateLimits(clock);
    this.gate = new FairShareGate({
      capacity: options.capacity ?? (() => Number.POSITIVE_INFINITY),
      maxQueuedPerUser: options.maxQueuedPerUser ?? 64,
      ...(options.prefillShare ? { prefillShare: options.prefillShare } : {}),
      now: () => clock.now(),
    });
    this.counters.declare(this.directory.users().map((user) => user.name));
  }

  /** A new config (hot reload): new tokens and limits; figures of users still configured are kept. */
  reload(config: Pick<Config, 'users' | 'clientToken'>): void {
    this.directory = new UserDirectory(config);
    const names = this.directory.users().map((user) => user.name);
    this.limits.retain(new Set(names));
    this.counters.declare(names);
  }

  /** The caller, or undefined for 401 (a token is required and the request has none, or an unknown one). */
  authenticate(headers: IncomingHttpHeaders): User | undefined {
    return this.directory.authenticate(presentedToken(headers));
  }

  /**
   * Whether the request may go to the fleet now. Checks the user's limits first (refused at once), then waits for a
   * fair share of a saturated fleet (refused when too many of the user's requests already wait). Rejects with the
   * signal's reason when the client goes away while waiting.
   */
  async admit(user: User, signal?: AbortSignal): Promise<Admission> {
    const verdict = this.limits.admit(user);
    if (!verdict.allowed) {
      this.counters.refused(user.name, verdict.limit);
      const what = verdict.limit === 'requestsPerMinute' ? 'requests' : 'tokens';
      const limit = user.limits[verdict.limit];
      return {
        admitted: false,
        retryAfterSeconds: verdict.retryAfterSeconds,
        cause: verdict.limit,
        message: `user "${user.name}" is over its limit of ${limit} ${what} per minute; retry in ${verdict.retryAfterSeconds}s`,
      };
    }
    this.counters.queued(user.name, 1);
    let release: Release;
    try {
      release = await this.gate.acquire(user.name, signal);
    } catch (error) {
      // The request never reached the fleet: it does not use up one of the user's requests for the minute.
      this.limits.refund(user, verdict.countedIn);
      if (!(error instanceof QueueFullError)) throw error;
      this.counters.refused(user.name, 'queue');
      return {
        admitted: false,
        retryAfterSeconds: 1,
        cause: 'queue',
        message: `the fleet is saturated and user "${user.name}" already has requests waiting; retry in 1s`,
      };
    } finally {
      this.counters.queued(user.name, -1);
    }
    this.counters.started(user.name);
    return { admitted: true, ticket: { user, release, finished: false } };
  }

  /** The request produced its first token (or first byte): it leaves the user's prefill share. Idempotent. */
  firstToken(ticket: Ticket): void {
    ticket.release.firstToken();
  }

  /** The request is over (last byte, error, or client gone): frees its slot and counts its tokens. Idempotent. */
  finish(ticket: Ticket, usage: Usage = {}): void {
    if (ticket.finished) return;
    ticket.finished = true;
    ticket.release();
    this.counters.finished(ticket.user.name, usage);
    this.limits.recordTokens(ticket.user, (usage.promptTokens ?? 0) + (usage.completionTokens ?? 0));
  }

  /** A slot may have opened without a release (a replica came back): let waiting users in. */
  capacityChanged(): void {
    this.gate.drain();
  }

  /** Prometheus families labelled `user`, to append to /metrics. */
  metrics(): string {
    return this.counters.render();
  }

  /** One row per user for the dashboard: who is using the fleet now. No tokens. */
  snapshot(): UserRow[] {
    const limitsOf = new Map(this.directory.users().map((user) => [user.name, user.limits]));
    return this.counters.snapshot().map((figures) => {
      const usage = this.limits.usage(figures.user);
      return {
        ...figures,
        requestsThisMinute: usage.requests,
        tokensThisMinute: usage.tokens,
        limits: { ...(limitsOf.get(figures.user) ?? {}) },
      };
    });
  }

  close(): void {
    this.gate.close(new Error('the sidecar is shutting down'));
  }
}
