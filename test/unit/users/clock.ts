// A clock that moves only when a test says so (epoch milliseconds, like the sidecar's Clock).
import type { Clock } from '../../../sidecar/pool/clock';

export class StepClock implements Clock {
  constructor(private time = 1_000_000_000_000) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  /** Moves to `ms` past the start of the current second. */
  atMsOfSecond(ms: number): void {
    this.time = Math.floor(this.time / 1000) * 1000 + ms;
  }
}
