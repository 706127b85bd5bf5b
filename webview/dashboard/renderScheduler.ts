// Coalesces "something changed" into at most one render per interval, on an animation frame.
// Timers are injected so the coalescing is tested without a browser or sleeps.

export interface SchedulerTimers {
  now(): number;
  requestFrame(callback: () => void): void;
  setTimeout(callback: () => void, ms: number): void;
}

export const DEFAULT_RENDER_INTERVAL_MS = 250;

export class RenderScheduler {
  private scheduled = false;
  private lastRenderAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly render: () => void,
    private readonly timers: SchedulerTimers,
    private readonly minIntervalMs = DEFAULT_RENDER_INTERVAL_MS,
  ) {}

  /** Asks for a render; many requests before it happens make one render. */
  request(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastRenderAt + this.minIntervalMs - this.timers.now();
    if (wait <= 0) this.timers.requestFrame(() => this.run());
    else this.timers.setTimeout(() => this.timers.requestFrame(() => this.run()), wait);
  }

  private run(): void {
    this.scheduled = false;
    this.lastRenderAt = this.timers.now();
    this.render();
  }
}

export function browserTimers(): SchedulerTimers {
  return {
    now: () => performance.now(),
    requestFrame: (callback) => {
      requestAnimationFrame(() => callback());
    },
    setTimeout: (callback, ms) => {
      setTimeout(callback, ms);
    },
  };
}
