// Adapter affinity: a candidate filter applied before any algorithm when a request names a LoRA adapter that several
// replicas serve. vLLM runs at most --max-loras distinct adapters in one batch; a waiting request whose adapter is not
// in the batch is skipped while the slots are taken, and putting an adapter in a slot costs step time. An adapter
// spread over every replica makes each of them alternate adapters (each waits for the other to drain, then swaps); kept
// where it already runs, each replica stays on its adapters. From vllm:lora_requests_info each replica ranks:
//   0 resident: the adapter is running, or still in a GPU slot from earlier scrapes (vLLM evicts slots LRU, only to
//     load another adapter) with the batch not full of others, and no other adapter waits for a slot;
//   1 room: the adapter is not running but a slot is free (running and waiting adapters together are under max_lora),
//     or the replica publishes no LoRA state (unknown is neither preferred nor avoided);
//   2 contested: the adapter is running, but another adapter waits for its slot (more work here starves it);
//   3 full: every slot holds or is promised to other adapters (a load would wait behind them, then evict one).
// The best rank among replicas that are not overloaded (more than `maxWaiting` requests waiting) wins. Where the
// adapter is resident, every such replica stays and the algorithm decides by load. Where it only has room or is
// contested, it gets one home among the best: the rendezvous winner for its name, the same in every sidecar. Without
// that, a burst sent everywhere before the first scrape leaves every replica running one adapter with the other
// waiting, every replica ranks the same, and the algorithm keeps alternating them. When the best is `full`, or every
// replica is overloaded, all candidates stay and the algorithm decides by load. Never empty.
import { hash53 } from './hashing';
import { rendezvousWinner } from './rendezvous';
import type { LoraActivity, ReplicaView } from './types';

/** Waiting requests past which a replica counts as overloaded: its adapter is not worth queueing for. */
export const ADAPTER_MAX_WAITING = 8;

export type AdapterRank = 0 | 1 | 2 | 3;

export function adapterRank(adapter: string, lora: LoraActivity | undefined): AdapterRank {
  if (!lora) return 1;
  const othersWaiting = lora.waiting.some((name) => name !== adapter);
  if (lora.running.includes(adapter)) return othersWaiting ? 2 : 0;
  const taken = new Set([...lora.running, ...lora.waiting]);
  taken.delete(adapter);
  if (taken.size >= lora.maxLora) return 3;
  return lora.resident?.includes(adapter) && !othersWaiting ? 0 : 1;
}

export function preferAdapterReplicas<V extends ReplicaView>(
  candidates: readonly V[],
  adapter: string,
  maxWaiting = ADAPTER_MAX_WAITING,
): readonly V[] {
  if (candidates.length < 2 || !candidates.some((replica) => replica.engine?.lora)) return candidates;
  let best = 3 as AdapterRank;
  const ranked = candidates.map((replica) => {
    const lora = replica.engine?.lora;
    const overloaded = lora !== undefined && (replica.engine?.waiting ?? 0) > maxWaiting;
    const rank = adapterRank(adapter, lora);
    if (!overloaded && rank < best) best = rank;
    return { replica, rank, overloaded };
  });
  if (best >= 3) return candidates;
  const bestReplicas = ranked.filter((entry) => !entry.overloaded && entry.rank === best).map((entry) => entry.replica);
  if (best === 0 || bestReplicas.length === 1) return bestReplicas;
  return [rendezvousWinner(hash53(adapter, 3), bestReplicas) as V];
}
