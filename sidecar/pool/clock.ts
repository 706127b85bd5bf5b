// The time source injected into health, ejection and statistics logic, so unit tests need no sleeps.
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
