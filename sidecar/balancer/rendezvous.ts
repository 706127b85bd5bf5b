// Weighted rendezvous (highest random weight) hashing: for a key, every replica gets a pseudo-random score from
// hash(key, replica); the highest wins. Every sidecar computes the same order from the key and the replica set alone,
// and when a replica leaves only the keys it won move.
import { combine32, hash53 } from './hashing';
import { effectiveWeight } from './selection';
import type { ReplicaView } from './types';

const IDENTITIES_REMEMBERED = 1024;
const identities = new Map<string, number>();

/**
 * Identity of a replica for hashing: its URL (normalised), which is the same in every developer's config even when
 * the names they gave it differ.
 */
export function replicaIdentity(replica: ReplicaView): number {
  let id = identities.get(replica.url);
  if (id === undefined) {
    if (identities.size >= IDENTITIES_REMEMBERED) identities.clear();
    id = hash53(replica.url.trim().toLowerCase().replace(/\/+$/, ''));
    identities.set(replica.url, id);
  }
  return id;
}

/** Score of a replica for a key: -weight / ln(u), u uniform in (0, 1) from the hash (larger wins). */
export function rendezvousScore(key: number, replicaId: number, weight: number): number {
  const uniform = (combine32(key, replicaId) + 0.5) / 4294967296;
  return -weight / Math.log(uniform);
}

/** The candidate with the highest rendezvous score for `key`. */
export function rendezvousWinner(key: number, candidates: readonly ReplicaView[]): ReplicaView | undefined {
  let best: ReplicaView | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const replica of candidates) {
    const score = rendezvousScore(key, replicaIdentity(replica), effectiveWeight(replica));
    if (score > bestScore) {
      bestScore = score;
      best = replica;
    }
  }
  return best;
}
