// A Prometheus-style histogram: fixed upper bounds, cumulative counts, a sum and a count. Fixed memory.

export class CumulativeHistogram {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  /** `bounds` ascending, in the unit the samples are recorded in. */
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  record(value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    this.sum += value;
    this.count += 1;
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= this.bounds[i]!) {
        this.counts[i]! += 1;
        return;
      }
    }
  }

  /** Cumulative count of samples <= bounds[i]. */
  cumulative(): number[] {
    let running = 0;
    return Array.from(this.counts, (count) => {
      running += count;
      return running;
    });
  }
}

/** Seconds. Time to first token and whole-request durations. */
export const LATENCY_BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Seconds. Gaps between tokens. */
export const GAP_BOUNDS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
