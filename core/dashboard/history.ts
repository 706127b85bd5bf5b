// The charts' time series: one sample per state snapshot, kept for a sliding window.
// Pure: used by the host (which keeps history while the panel is hidden) and by the page.
import type { StateSnapshot } from '../protocol';
import { type HistorySample, type ReplicaSample, replicaKey } from './messages';

/** How far back the charts go. */
export const HISTORY_WINDOW_MS = 5 * 60_000;
/** A hard cap on points, whatever the snapshot rate. */
export const HISTORY_MAX_SAMPLES = 600;

export function sampleOf(snapshot: StateSnapshot): HistorySample {
  const replicas: Record<string, ReplicaSample> = {};
  for (const pool of snapshot.pools) {
    for (const replica of pool.replicas) {
      replicas[replicaKey(pool.name, replica.name)] = {
        requestsPerSecond: replica.requestsPerSecond,
        ttftP95Ms: replica.ttftMs ? replica.ttftMs.p95 : null,
        tokensPerSecond: replica.tokensPerSecond,
        inflight: replica.inflight,
      };
    }
  }
  return { t: snapshot.now, replicas };
}

/**
 * Appends samples in time order and drops what fell out of the window. A sample at the same time as the last one
 * replaces it; one older than the last is ignored (a clock step back restarts the series instead).
 * Mutates and returns `history`.
 */
export function appendSamples(
  history: HistorySample[],
  samples: readonly HistorySample[],
  windowMs = HISTORY_WINDOW_MS,
): HistorySample[] {
  for (const sample of samples) {
    const last = history[history.length - 1];
    if (last && sample.t === last.t) {
      history[history.length - 1] = sample;
    } else if (last && sample.t < last.t) {
      if (last.t - sample.t > windowMs) history.length = 0;
      else continue;
      history.push(sample);
    } else {
      history.push(sample);
    }
  }
  const newest = history[history.length - 1];
  if (!newest) return history;
  let drop = 0;
  while (drop < history.length && history[drop]!.t < newest.t - windowMs) drop++;
  drop = Math.max(drop, history.length - HISTORY_MAX_SAMPLES);
  if (drop > 0) history.splice(0, drop);
  return history;
}
