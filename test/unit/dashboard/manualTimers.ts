// A hand-driven clock with timers, for the feed and the render scheduler: tests advance time, nothing sleeps.

interface Timer {
  at: number;
  callback: () => void;
  id: number;
}

export class ManualTimers {
  private time = 0;
  private nextId = 1;
  private timers: Timer[] = [];
  private frames: (() => void)[] = [];

  now = (): number => this.time;

  setTimeout = (callback: () => void, ms: number): number => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };

  requestFrame = (callback: () => void): void => {
    this.frames.push(callback);
  };

  /** Moves the clock, firing due timers in order (not frames). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = end;
  }

  /** Runs the animation frames requested so far. */
  frame(): number {
    const frames = this.frames;
    this.frames = [];
    for (const callback of frames) callback();
    return frames.length;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}
