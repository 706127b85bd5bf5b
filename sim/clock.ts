// Time for the simulator, injected so the engine can run on a simulated clock in unit tests.

export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Runs `fn` after `ms` milliseconds (at once, on the next turn, when `ms <= 0`). */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** The real clock: performance.now() and Node timers; a delay of 0 or less runs on setImmediate (not the 1 ms floor). */
export function realClock(): Clock {
  let nextId = 1;
  const live = new Map<number, NodeJS.Timeout | NodeJS.Immediate>();
  return {
    now: () => performance.now(),
    setTimer(fn, ms) {
      const id = nextId++;
      const run = () => {
        live.delete(id);
        fn();
      };
      live.set(id, ms <= 0 ? setImmediate(run) : setTimeout(run, ms));
      return { id };
    },
    clearTimer(handle) {
      const timer = live.get(handle.id);
      if (timer === undefined) return;
      live.delete(handle.id);
      clearTimeout(timer as NodeJS.Timeout);
      clearImmediate(timer as NodeJS.Immediate);
    },
  };
}

/** A simulated clock: time moves only when a test advances it, and timers fire in time order. */
export class ManualClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void; seq: number }>();

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn, seq: id });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** Number of timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** Fires the earliest timer (moving time to it); false when none is left. */
  step(): boolean {
    let bestId = -1;
    let best: { at: number; seq: number } | undefined;
    for (const [id, timer] of this.timers) {
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) {
        best = timer;
        bestId = id;
      }
    }
    if (!best) return false;
    const timer = this.timers.get(bestId)!;
    this.timers.delete(bestId);
    this.time = Math.max(this.time, timer.at);
    timer.fn();
    return true;
  }

  /** Fires every timer due up to now + ms, then sets the time to now + ms. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let due = false;
      for (const timer of this.timers.values()) if (timer.at <= until) due = true;
      if (!due || !this.step()) break;
    }
    this.time = until;
  }

  /** Fires timers until `done()` holds; throws after `maxSteps` timers (a bound for tests). */
  runUntil(done: () => boolean, maxSteps = 1_000_000): void {
    for (let i = 0; i < maxSteps; i++) {
      if (done()) return;
      if (!this.step()) {
        if (done()) return;
        throw new Error('ManualClock.runUntil: no timers left and the condition does not hold');
      }
    }
    throw new Error(`ManualClock.runUntil: condition not met after ${maxSteps} timers`);
  }
}
