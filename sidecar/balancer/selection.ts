// Small helpers the algorithms share: weights, forgetting departed replicas, lowest-score choice with random ties.
import type { ReplicaView } from './types';

/** A replica's weight as balancers use it: positive and finite, else 1. */
export function effectiveWeight(replica: ReplicaView): number {
  const weight = replica.weight;
  return Number.isFinite(weight) && weight > 0 ? weight : 1;
}

/** Drops the entries of replicas no longer in the pool. */
export function forgetDeparted<V>(perReplica: Map<string, V>, names: readonly string[]): void {
  const present = new Set(names);
  for (const name of perReplica.keys()) if (!present.has(name)) perReplica.delete(name);
}

/**
 * The candidate with the lowest score; among equal scores each is equally likely. Scores within a relative 1e-9 count
 * as equal so that float noise does not decide.
 */
export function pickLowest(
  candidates: readonly ReplicaView[],
  score: (replica: ReplicaView) => number,
  random: () => number,
): ReplicaView | undefined {
  let best: ReplicaView | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  let ties = 0;
  for (const replica of candidates) {
    const raw = score(replica);
    const value = Number.isNaN(raw) ? Number.POSITIVE_INFINITY : raw;
    if (best === undefined || value < bestScore - tolerance(bestScore)) {
      best = replica;
      bestScore = value;
      ties = 1;
    } else if (value === bestScore || Math.abs(value - bestScore) <= tolerance(bestScore)) {
      ties += 1;
      if (random() * ties < 1) best = replica;
    }
  }
  return best;
}

function tolerance(score: number): number {
  return Number.isFinite(score) ? Math.max(1e-12, Math.abs(score) * 1e-9) : 0;
}
