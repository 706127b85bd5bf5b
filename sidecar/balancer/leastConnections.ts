// Fewest in-flight requests per unit of weight; ties broken uniformly at random (reservoir sampling over the tied).
import { effectiveWeight, pickLowest } from './selection';
import type { Balancer, BalancerContext, ReplicaView } from './types';

export function createLeastConnections(context: BalancerContext): Balancer {
  return {
    id: 'least-connections',
    pick(candidates: readonly ReplicaView[]): ReplicaView | undefined {
      return pickLowest(candidates, (replica) => replica.inflight / effectiveWeight(replica), context.random);
    },
  };
}
