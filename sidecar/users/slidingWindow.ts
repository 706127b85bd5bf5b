// A sum over a sliding window kept in one-second slots (fixed memory whatever the traffic). An amount added in second
// s counts until the window has moved past s; the answer to "when will the sum drop below L?" is the moment enough of
// the oldest slots have left the window.
import type { Clock } from '../pool/clock';

export class SlidingWindow {
  private readonly amounts: Float64Array;
  private readonly seconds: Float64Array;

  constructor(
    private readonly clock: Clock,
    private readonly windowSeconds = 60,
  ) {
    this.amounts = new Float64Array(windowSeconds);
    this.seconds = new Float64Array(windowSeconds).fill(-1);
  }

  /** Counts `amount` in the current second; returns that second, for takeBack(). */
  add(amount: number): number {
    const second = Math.floor(this.clock.now() / 1000);
    const index = second % this.windowSeconds;
    if (this.seconds[index] !== second) {
      this.seconds[index] = second;
      this.amounts[index] = 0;
    }
    this.amounts[index]! += amount;
    return second;
  }

  /** Uncounts an amount add() counted in `second`; nothing when that second has left the window already. */
  takeBack(amount: number, second: number): void {
    const index = second % this.windowSeconds;
    if (this.seconds[index] === second) this.amounts[index] = Math.max(0, this.amounts[index]! - amount);
  }

  /** The sum of the amounts added in the window's seconds (the current one included). */
  sum(): number {
    let sum = 0;
    for (const slot of this.live()) sum += slot.amount;
    return sum;
  }

  /** Milliseconds until the sum is below `limit` (0 when it already is), if nothing more is added. */
  msUntilBelow(limit: number): number {
    const now = this.clock.now();
    const slots = this.live().sort((a, b) => a.second - b.second);
    let sum = slots.reduce((total, slot) => total + slot.amount, 0);
    if (sum < limit) return 0;
    for (const slot of slots) {
      sum -= slot.amount;
      if (sum < limit) return Math.max(0, (slot.second + this.windowSeconds) * 1000 - now);
    }
    return this.windowSeconds * 1000;
  }

  private live(): { second: number; amount: number }[] {
    const current = Math.floor(this.clock.now() / 1000);
    const slots: { second: number; amount: number }[] = [];
    for (let i = 0; i < this.windowSeconds; i++) {
      const second = this.seconds[i]!;
      if (second >= 0 && current - second >= 0 && current - second < this.windowSeconds) {
        slots.push({ second, amount: this.amounts[i]! });
      }
    }
    return slots;
  }
}
