// Percentiles over a sliding time window, in fixed memory: log-spaced buckets (about 5% wide) kept per sub-window
// in a ring. Old sub-windows are cleared as time moves on, so nothing grows with the number of samples.

import type { Percentiles } from '../../core/protocol';
import type { Clock } from '../pool/clock';

const MIN_VALUE = 0.05;
const GROWTH = 1.05;
const BUCKETS = Math.ceil(Math.log(3_600_000 / MIN_VALUE) / Math.log(GROWTH)) + 2;
const LOG_GROWTH = Math.log(GROWTH);

function bucketOf(value: number): number {
  if (!(value > MIN_VALUE)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(value / MIN_VALUE) / LOG_GROWTH));
}

/** A representative value of a bucket: the geometric middle of its bounds. */
function bucketValue(bucket: number): number {
  if (bucket === 0) return 0;
  return MIN_VALUE * GROWTH ** (bucket - 0.5);
}

export class SlidingHistogram {
  private readonly slots: Uint32Array[];
  private readonly slotStart: number[];
  private readonly slotMs: number;

  constructor(
    private readonly clock: Clock,
    windowMs = 60_000,
    slotCount = 6,
  ) {
    this.slotMs = Math.max(1, Math.floor(windowMs / slotCount));
    this.slots = Array.from({ length: slotCount }, () => new Uint32Array(BUCKETS));
    this.slotStart = new Array<number>(slotCount).fill(Number.NEGATIVE_INFINITY);
  }

  record(value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    const slot = this.currentSlot();
    slot[bucketOf(value)]! += 1;
  }

  /** Percentiles of the samples in the window, or null when there are none. */
  percentiles(): Percentiles | null {
    const now = this.clock.now();
    const merged = new Float64Array(BUCKETS);
    let total = 0;
    for (let i = 0; i < this.slots.length; i++) {
      if (now - this.slotStart[i]! >= this.slotMs * this.slots.length) continue;
      const slot = this.slots[i]!;
      for (let b = 0; b < BUCKETS; b++) {
        const count = slot[b]!;
        if (count) {
          merged[b]! += count;
          total += count;
        }
      }
    }
    if (total === 0) return null;
    return { p50: rank(merged, total, 0.5), p95: rank(merged, total, 0.95), p99: rank(merged, total, 0.99) };
  }

  private currentSlot(): Uint32Array {
    const now = this.clock.now();
    const index = Math.floor(now / this.slotMs) % this.slots.length;
    const start = Math.floor(now / this.slotMs) * this.slotMs;
    if (this.slotStart[index] !== start) {
      this.slots[index]!.fill(0);
      this.slotStart[index] = start;
    }
    return this.slots[index]!;
  }
}

function rank(buckets: Float64Array, total: number, q: number): number {
  const target = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let b = 0; b < buckets.length; b++) {
    seen += buckets[b]!;
    if (seen >= target) return Math.round(bucketValue(b) * 10) / 10;
  }
  return Math.round(bucketValue(buckets.length - 1) * 10) / 10;
}
