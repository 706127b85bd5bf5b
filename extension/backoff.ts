// Exponential backoff between reconnects or restarts: initial, ×factor each time, capped; reset after a success.

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs = 500,
    private readonly maxMs = 30_000,
    private readonly factor = 2,
  ) {}

  /** The delay before the next attempt; each call counts one failure. */
  next(): number {
    const delay = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt++;
    return delay;
  }

  /** Failures since the last reset. */
  get failures(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
