// Fair share of a saturated fleet. While fewer requests are in flight than the fleet's capacity, every request goes
// straight through. Once it is full, requests wait in one FIFO queue per user, and each slot that frees goes to the
// waiting user with the fewest requests in flight (ties: the one served least recently). One user's burst therefore
// queues behind itself, and users converge to equal shares of the capacity (max-min fairness by request count).
// A user with nothing in flight and nothing waiting does not wait at all: its request goes in over the capacity (by
// at most one request per such user), so an interactive user's next turn never waits for a flooder's request to end;
// the flooder's next one waits until the fleet is back under its capacity.
//
// Before the first token: the engines queue and prefill in arrival order, so a user's request waits behind every
// request of other users that reached the engine before it and has not started producing tokens. While more than one
// user is active (requests in flight or waiting, or one finished within ACTIVE_MS), a user may therefore have at most
// `prefillShare` requests that have not produced their first token; its next one waits for one of them to reach its
// first token (or end). The engines' waiting queues then never hold more than that of one user, so a light user's
// request goes ahead of a flood instead of behind it; and while a user with fewer requests in flight has one before
// its first token, heavier users start nothing new. A lone user is never held by these rules.

export class QueueFullError extends Error {
  constructor(readonly user: string) {
    super(`too many requests of user "${user}" are waiting for the fleet`);
    this.name = 'QueueFullError';
  }
}

export interface FairShareOptions {
  /** Requests the fleet runs at once before it counts as saturated (re-read at every decision; may change). */
  capacity: () => number;
  /** Requests one user may have waiting; more are refused with QueueFullError (answer 429). */
  maxQueuedPerUser: number;
  /**
   * Requests one user may have before their first token while another user is active (re-read at every decision;
   * at least 1); default unlimited.
   */
  prefillShare?: () => number;
  /** Milliseconds, for how long a user counts as active after its last request ended; default Date.now. */
  now?: () => number;
}

/** A user whose last request ended less than this ago still counts as active (its next turn is on its way). */
export const ACTIVE_MS = 2000;

/**
 * Call once when the request finishes (last byte sent, error or client gone); later calls do nothing.
 * `firstToken()`: the request produced its first token (or its first byte for a non-streamed answer): it no longer
 * counts against the user's prefill share. Later calls, and calls after the release, do nothing.
 */
export interface Release {
  (): void;
  firstToken(): void;
}

interface Waiter {
  user: string;
  grant: (release: Release) => void;
  fail: (error: Error) => void;
}

export class FairShareGate {
  private total = 0;
  private readonly inFlight = new Map<string, number>();
  /** Granted requests without their first token yet, per user. */
  private readonly prefilling = new Map<string, number>();
  /** When each user's last request ended (for ACTIVE_MS). */
  private readonly lastEnded = new Map<string, number>();
  private readonly queues = new Map<string, Waiter[]>();
  private readonly lastServed = new Map<string, number>();
  private served = 0;

  constructor(private readonly options: FairShareOptions) {}

  /**
   * Resolves with a Release once the request may go to the fleet. Rejects with QueueFullError when the user already
   * has maxQueuedPerUser waiting, or with the signal's reason when the client gives up while waiting.
   */
  acquire(user: string, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const queue = this.queues.get(user) ?? [];
    const idle = queue.length === 0 && this.inFlightOf(user) === 0;
    if (idle || (this.waiting() === 0 && this.total < this.options.capacity() && this.mayPrefill(user)))
      return Promise.resolve(this.grant(user));
    if (queue.length >= this.options.maxQueuedPerUser) return Promise.reject(new QueueFullError(user));
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const list = this.queues.get(user);
        const index = list?.indexOf(waiter) ?? -1;
        if (list && index >= 0) {
          list.splice(index, 1);
          if (list.length === 0) this.queues.delete(user);
        }
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        user,
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: reject,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      this.queues.set(user, queue);
      this.drain();
    });
  }

  /** Hands free slots to waiting users; call after the capacity grows (a replica came back). Releases call it too. */
  drain(): void {
    while (this.total < this.options.capacity()) {
      const user = this.nextUser((candidate) => this.mayPrefill(candidate));
      if (user === undefined) return;
      const queue = this.queues.get(user)!;
      const waiter = queue.shift()!;
      if (queue.length === 0) this.queues.delete(user);
      waiter.grant(this.grant(user));
    }
  }

  /** Refuses every waiting request (shutdown). */
  close(error: Error): void {
    for (const queue of this.queues.values()) for (const waiter of queue) waiter.fail(error);
    this.queues.clear();
  }

  inFlightOf(user: string): number {
    return this.inFlight.get(user) ?? 0;
  }

  queuedOf(user: string): number {
    return this.queues.get(user)?.length ?? 0;
  }

  prefillingOf(user: string): number {
    return this.prefilling.get(user) ?? 0;
  }

  get inFlightTotal(): number {
    return this.total;
  }

  private waiting(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  /** Whether the user may start one more request before the first token of those it has in flight. */
  private mayPrefill(user: string): boolean {
    const share = this.options.prefillShare;
    if (share === undefined) return true;
    if (this.lighterUserPrefilling(user)) return false;
    if (this.prefillingOf(user) < Math.max(1, share())) return true;
    return !this.othersActive(user);
  }

  /**
   * A user with fewer requests in flight has one before its first token: the heavier user's next one waits until it
   * got there, so it does not join the engine's queue ahead of it.
   */
  private lighterUserPrefilling(user: string): boolean {
    const mine = this.inFlightOf(user);
    for (const [other, count] of this.prefilling) {
      if (other !== user && count > 0 && this.inFlightOf(other) < mine) return true;
    }
    return false;
  }

  private othersActive(user: string): boolean {
    for (const other of this.inFlight.keys()) if (other !== user) return true;
    for (const other of this.queues.keys()) if (other !== user) return true;
    const now = this.now();
    for (const [other, at] of this.lastEnded) {
      if (now - at >= ACTIVE_MS) this.lastEnded.delete(other);
      else if (other !== user) return true;
    }
    return false;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** The waiting user allowed to start (by `eligible`) with the fewest in flight; ties: the one served least recently. */
  private nextUser(eligible: (user: string) => boolean): string | undefined {
    let best: string | undefined;
    for (const user of this.queues.keys()) {
      if (!eligible(user)) continue;
      if (best === undefined) {
        best = user;
        continue;
      }
      const a = this.inFlightOf(user);
      const b = this.inFlightOf(best);
      if (a < b || (a === b && (this.lastServed.get(user) ?? -1) < (this.lastServed.get(best) ?? -1))) best = user;
    }
    return best;
  }

  private grant(user: string): Release {
    this.total++;
    this.inFlight.set(user, this.inFlightOf(user) + 1);
    this.prefilling.set(user, this.prefillingOf(user) + 1);
    this.lastServed.set(user, this.served++);
    let prefilled = false;
    let released = false;
    const firstToken = () => {
      if (prefilled) return;
      prefilled = true;
      const left = this.prefillingOf(user) - 1;
      if (left > 0) this.prefilling.set(user, left);
      else this.prefilling.delete(user);
    };
    const release = () => {
      if (released) return;
      released = true;
      firstToken();
      this.total--;
      const left = this.inFlightOf(user) - 1;
      if (left > 0) this.inFlight.set(user, left);
      else this.inFlight.delete(user);
      this.lastEnded.set(user, this.now());
      this.drain();
    };
    return Object.assign(release, {
      firstToken: () => {
        if (prefilled || released) return;
        firstToken();
        this.drain();
      },
    });
  }
}
