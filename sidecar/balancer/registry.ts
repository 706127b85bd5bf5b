// Algorithm id -> balancer. The proxy creates one balancer per pool and replaces it when the algorithm changes.
import type { AlgorithmId } from '../protocol';
import { createLeastConnections } from './leastConnections';
import { createRoundRobin } from './roundRobin';
import type { Balancer, BalancerContext, BalancerFactory } from './types';

/** Engine scrapes older than this count as stale (two missed scrapes at the default 2s interval). */
export const DEFAULT_ENGINE_STALE_AFTER_MS = 4000;

// Placeholder until each algorithm lands in its own module: behaves as least-connections under its own id.
function interim(id: AlgorithmId): BalancerFactory {
  return (context) => ({ ...createLeastConnections(context), id });
}

const FACTORIES: Record<AlgorithmId, BalancerFactory> = {
  'round-robin': () => createRoundRobin(),
  'least-connections': createLeastConnections,
  'least-response-time': interim('least-response-time'),
  'consistent-hash': interim('consistent-hash'),
  'power-of-two': interim('power-of-two'),
  'prefix-aware': interim('prefix-aware'),
  'queue-aware': interim('queue-aware'),
};

export function createBalancer(id: AlgorithmId, context: BalancerContext): Balancer {
  const factory = FACTORIES[id];
  if (!factory) throw new Error(`unknown load-balancing algorithm: ${String(id)}`);
  return factory(context);
}

export function defaultBalancerContext(): BalancerContext {
  return { random: Math.random, now: Date.now, engineStaleAfterMs: DEFAULT_ENGINE_STALE_AFTER_MS };
}
