// Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam): a ring of virtual nodes, VNODES_PER_WEIGHT
// per unit of weight; a key goes to the first replica clockwise from its hash whose in-flight count stays under
// max(ceil(c × (total in-flight + 1) × weight share), ceil((total in-flight + 1) × weight share) + MIN_BOUND_HEADROOM).
// Keys stay on their replica; when one of N leaves, ~1/N of keys move. The headroom floor matters at low load, where
// c × average rounds to the average itself (average 0.5 → bound 1) and every second concurrent request of a key
// would spill; Mirrokni et al. bound the maximum relative to a large average, and HAProxy's hash-balance-factor
// likewise only starts to bite once the average is several requests.
// Key: the session key (x-session-id, else body user), else PROMPT_KEY_CHARS of the prompt after a leading system
// message presumed shared by every request (a team prompt; see sharedLeadChars): keyed on the first characters, every
// request of a team whose prompts open with the same system prompt had the same key and went to one replica.
import { hash53 } from './hashing';
import { LEAD_MESSAGE_SHARED_MAX_SHARE } from './leadMessage';
import { replicaIdentity } from './rendezvous';
import { effectiveWeight, pickLowest } from './selection';
import type { Balancer, BalancerContext, ReplicaView, RoutedRequest } from './types';

/** Virtual nodes per unit of weight (ketama uses 160 per server). */
export const VNODES_PER_WEIGHT = 160;
/** Load bound factor c: no replica takes more than c times its fair share of in-flight requests. */
export const LOAD_BOUND_FACTOR = 1.25;
/** The bound is never less than the fair share plus this many requests, so keys stay home while load is low. */
export const MIN_BOUND_HEADROOM = 2;
/** Characters of the prompt that key a request without a session key (~256 tokens). */
export const PROMPT_KEY_CHARS = 1024;
/** Rings kept for recent candidate sets (health changes the candidates; the ring for each set is built once). */
const RINGS_REMEMBERED = 8;

interface Ring {
  /** Sorted positions on the 32-bit circle. */
  positions: Uint32Array;
  /** Index into the candidate list for each position. */
  owners: Uint16Array;
}

export function createConsistentHash(context: BalancerContext): Balancer {
  const rings = new Map<string, Ring>();

  function ringFor(candidates: readonly ReplicaView[]): Ring {
    const signature = candidates.map((r) => `${r.url}\u0000${effectiveWeight(r)}`).join('\u0001');
    let ring = rings.get(signature);
    if (ring) {
      rings.delete(signature);
    } else {
      ring = buildRing(candidates);
      if (rings.size >= RINGS_REMEMBERED) rings.delete(rings.keys().next().value as string);
    }
    rings.set(signature, ring);
    return ring;
  }

  return {
    id: 'consistent-hash',
    pick(candidates: readonly ReplicaView[], request: RoutedRequest): ReplicaView | undefined {
      if (candidates.length <= 1) return candidates[0];
      const key = requestKeyHash(request);
      // Nothing to be sticky about: least connections.
      if (key === undefined) return pickLowest(candidates, (r) => r.inflight / effectiveWeight(r), context.random);
      const ring = ringFor(candidates);
      const start = firstAtOrAfter(ring.positions, key >>> 0);
      let totalInflight = 0;
      let totalWeight = 0;
      for (const replica of candidates) {
        totalInflight += Math.max(0, replica.inflight);
        totalWeight += effectiveWeight(replica);
      }
      const seen = new Uint8Array(candidates.length);
      let distinct = 0;
      for (let step = 0; step < ring.positions.length && distinct < candidates.length; step++) {
        const owner = ring.owners[(start + step) % ring.positions.length]!;
        if (seen[owner]) continue;
        seen[owner] = 1;
        distinct += 1;
        const replica = candidates[owner]!;
        const fairShare = ((totalInflight + 1) * effectiveWeight(replica)) / totalWeight;
        const bound = Math.max(Math.ceil(LOAD_BOUND_FACTOR * fairShare), Math.ceil(fairShare) + MIN_BOUND_HEADROOM);
        if (Math.max(0, replica.inflight) + 1 <= bound) return replica;
      }
      return candidates[ring.owners[start % ring.positions.length]!];
    },
    onReplicasChanged(): void {
      rings.clear();
    },
  };
}

/** The hashed key of a request: its session, else the start of its prompt; undefined when it has neither. */
export function requestKeyHash(request: RoutedRequest): number | undefined {
  if (request.sessionKey !== undefined) return hash53(request.sessionKey, 1);
  const text = request.promptText;
  if (text.length === 0) return undefined;
  const start = sharedLeadChars(request);
  return hash53(text, 2, start, Math.min(text.length, start + PROMPT_KEY_CHARS));
}

/**
 * Characters of a leading system message presumed shared by every request: the whole first message when it is a
 * system message of at most LEAD_MESSAGE_SHARED_MAX_SHARE of the prompt (prefix-aware's rule), else 0.
 */
export function sharedLeadChars(request: RoutedRequest): number {
  const chars = request.leadMessageChars;
  if (chars === undefined || !(chars > 0) || chars > LEAD_MESSAGE_SHARED_MAX_SHARE * request.promptText.length)
    return 0;
  return chars;
}

function buildRing(candidates: readonly ReplicaView[]): Ring {
  const points: { position: number; owner: number }[] = [];
  candidates.forEach((replica, owner) => {
    const id = replicaIdentity(replica);
    const count = Math.max(1, Math.round(VNODES_PER_WEIGHT * effectiveWeight(replica)));
    for (let i = 0; i < count; i++) points.push({ position: hash53(`vnode-${i}`, id) >>> 0, owner });
  });
  points.sort((a, b) => a.position - b.position || a.owner - b.owner);
  return {
    positions: Uint32Array.from(points, (p) => p.position),
    owners: Uint16Array.from(points, (p) => p.owner),
  };
}

/** Index of the first position >= target, wrapping to 0 past the end. */
function firstAtOrAfter(positions: Uint32Array, target: number): number {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (positions[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low === positions.length ? 0 : low;
}
