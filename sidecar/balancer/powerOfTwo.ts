// Power of two choices: two distinct replicas drawn at random, the one with fewer in-flight requests per unit of
// weight wins (a tie goes to either at random). Nearly as even as least-connections, without herding every
// simultaneous pick onto the one least-loaded replica.
import { effectiveWeight } from './selection';
import type { Balancer, BalancerContext, ReplicaView } from './types';

export function createPowerOfTwo(context: BalancerContext): Balancer {
  return {
    id: 'power-of-two',
    pick(candidates: readonly ReplicaView[]): ReplicaView | undefined {
      const count = candidates.length;
      if (count <= 1) return candidates[0];
      const first = randomIndex(count, context.random);
      // A second index drawn from the other count-1 slots: always distinct from the first.
      let second = randomIndex(count - 1, context.random);
      if (second >= first) second += 1;
      const a = candidates[first]!;
      const b = candidates[second]!;
      const loadA = a.inflight / effectiveWeight(a);
      const loadB = b.inflight / effectiveWeight(b);
      if (loadA < loadB) return a;
      if (loadB < loadA) return b;
      return context.random() < 0.5 ? a : b;
    },
  };
}

function randomIndex(count: number, random: () => number): number {
  return Math.min(count - 1, Math.floor(random() * count));
}
