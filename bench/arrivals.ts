// When each request is sent: Poisson or gamma arrivals at a rate, as `vllm bench serve` schedules them.
import { gamma } from './random';

export interface ArrivalOptions {
  /** Requests per second (modelled seconds); Infinity sends everything at once. */
  rate: number;
  /** Gamma shape; 1 is Poisson, below 1 burstier, above 1 more regular. */
  burstiness?: number;
  count: number;
  random: () => number;
}

/**
 * Offsets in ms from the start, one per request, non-decreasing. Inter-arrival gaps are Gamma(burstiness,
 * 1/(rate*burstiness)), then scaled so the last arrival is at count/rate seconds (vLLM renormalises the same way).
 */
export function arrivalOffsets(options: ArrivalOptions): number[] {
  const { rate, count, random } = options;
  const burstiness = options.burstiness ?? 1;
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  if (!(rate > 0)) throw new Error(`rate must be > 0, got ${rate}`);
  if (count === 0) return [];
  if (rate === Number.POSITIVE_INFINITY) return new Array<number>(count).fill(0);
  const offsets: number[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    at += gamma(random, burstiness, 1 / (rate * burstiness));
    offsets.push(at);
  }
  const target = count / rate;
  const factor = target / offsets[count - 1]!;
  return offsets.map((seconds) => seconds * factor * 1000);
}
