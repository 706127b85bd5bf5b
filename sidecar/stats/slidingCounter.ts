// A rate over a sliding window: per-second slots in a ring, so memory is fixed whatever the traffic.
import type { Clock } from '../pool/clock';

export class SlidingCounter {
  private readonly counts: Float64Array;
  private readonly seconds: Float64Array;
  private readonly createdAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly windowSeconds = 10,
  ) {
    this.counts = new Float64Array(windowSeconds);
    this.seconds = new Float64Array(windowSeconds).fill(-1);
    this.createdAt = clock.now();
  }

  add(amount = 1): void {
    const second = Math.floor(this.clock.now() / 1000);
    const index = second % this.windowSeconds;
    if (this.seconds[index] !== second) {
      this.seconds[index] = second;
      this.counts[index] = 0;
    }
    this.counts[index]! += amount;
  }

  /** Sum over the window divided by the window (or by the time since creation, when shorter), per second. */
  ratePerSecond(): number {
    const now = this.clock.now();
    const second = Math.floor(now / 1000);
    let sum = 0;
    for (let i = 0; i < this.windowSeconds; i++) {
      const age = second - this.seconds[i]!;
      if (this.seconds[i]! >= 0 && age >= 0 && age < this.windowSeconds) sum += this.counts[i]!;
    }
    const span = Math.min(this.windowSeconds, Math.max(1, (now - this.createdAt) / 1000));
    return Math.round((sum / span) * 100) / 100;
  }
}
