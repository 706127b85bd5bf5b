// Smooth weighted round robin (nginx's algorithm): every pick, each replica's current weight grows by its weight; the
// largest current weight wins and is lowered by the total. Weights 5/1/1 give a a b a c a a, not a a a a a b c.
import { effectiveWeight, forgetDeparted } from './selection';
import type { Balancer, ReplicaView } from './types';

export function createRoundRobin(): Balancer {
  const currentWeight = new Map<string, number>();

  return {
    id: 'round-robin',
    pick(candidates: readonly ReplicaView[]): ReplicaView | undefined {
      let best: ReplicaView | undefined;
      let bestCurrent = Number.NEGATIVE_INFINITY;
      let total = 0;
      for (const replica of candidates) {
        const weight = effectiveWeight(replica);
        total += weight;
        const current = (currentWeight.get(replica.name) ?? 0) + weight;
        currentWeight.set(replica.name, current);
        if (current > bestCurrent) {
          bestCurrent = current;
          best = replica;
        }
      }
      if (best) currentWeight.set(best.name, bestCurrent - total);
      return best;
    },
    onReplicasChanged(names: readonly string[]): void {
      forgetDeparted(currentWeight, names);
    },
  };
}
