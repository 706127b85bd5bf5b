// Algorithm id -> balancer. The proxy creates one balancer per pool and replaces it when the algorithm changes.
import type { AlgorithmId } from '../../core/protocol';
import { createConsistentHash } from './consistentHash';
import { createLeastConnections } from './leastConnections';
import { createLeastResponseTime } from './leastResponseTime';
import { createPowerOfTwo } from './powerOfTwo';
import { createPrefixAware } from './prefixAware';
import { createQueueAware } from './queueAware';
import { createRoundRobin } from './roundRobin';
import type { Balancer, BalancerContext, BalancerFactory } from './types';

/** Engine scrapes older than this count as stale (two missed scrapes at the default 2s interval). */
export const DEFAULT_ENGINE_STALE_AFTER_MS = 4000;

const FACTORIES: Record<AlgorithmId, BalancerFactory> = {
  'round-robin': () => createRoundRobin(),
  'least-connections': createLeastConnections,
  'least-response-time': createLeastResponseTime,
  'consistent-hash': createConsistentHash,
  'power-of-two': createPowerOfTwo,
  'prefix-aware': createPrefixAware,
  'queue-aware': createQueueAware,
};

export function createBalancer(id: AlgorithmId, context: BalancerContext): Balancer {
  const factory = FACTORIES[id];
  if (!factory) throw new Error(`unknown load-balancing algorithm: ${String(id)}`);
  return factory(context);
}

/**
 * Math.random and Date.now. Scrapes go stale after DEFAULT_ENGINE_STALE_AFTER_MS, or after two scrape intervals when
 * `engineIntervalMs` is given and longer than the default allows.
 */
export function defaultBalancerContext(engineIntervalMs?: number): BalancerContext {
  const twoIntervals = engineIntervalMs !== undefined && engineIntervalMs > 0 ? 2 * engineIntervalMs : 0;
  return {
    random: Math.random,
    now: Date.now,
    engineStaleAfterMs: Math.max(DEFAULT_ENGINE_STALE_AFTER_MS, twoIntervals),
  };
}
