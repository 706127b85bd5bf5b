// Fair share of a saturated fleet. While fewer requests are in flight than the fleet's capacity, every request goes
// straight through. Once it is full, requests wait in one FIFO queue per user, and each slot that frees goes to the
// waiting user with the fewest requests in flight (ties: the one served least recently). One user's burst therefore
// queues behind itself, and users converge to equal shares of the capacity (max-min fairness by request count).
// A user with nothing in flight and nothing waiting does not wait at all: its request goes in over the capacity (by
// at most one request per such user), so an interactive user's next turn never waits for a flooder's request to end;
// the flooder's next one waits until the fleet is back under its capacity.

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
}

/** Call once when the request finishes (last byte sent, error or client gone); later calls do nothing. */
export type Release = () => void;

interface Waiter {
  user: string;
  grant: (release: Release) => void;
  fail: (error: Error) => void;
}

export class FairShareGate {
  private total = 0;
  private readonly inFlight = new Map<string, number>();
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
    if (idle || (this.waiting() === 0 && this.total < this.options.capacity()))
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
      const user = this.nextUser();
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

  get inFlightTotal(): number {
    return this.total;
  }

  private waiting(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  private nextUser(): string | undefined {
    let best: string | undefined;
    for (const user of this.queues.keys()) {
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
    this.lastServed.set(user, this.served++);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = this.inFlightOf(user) - 1;
      if (left > 0) this.inFlight.set(user, left);
      else this.inFlight.delete(user);
      this.drain();
    };
  }
}
