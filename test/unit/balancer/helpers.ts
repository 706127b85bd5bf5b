// Test helpers: replica views, a seeded random, an injected clock.
import type {
  Balancer,
  BalancerContext,
  EngineLoad,
  ReplicaView,
  RoutedRequest,
} from '../../../sidecar/balancer/types';
import { seededRandom } from '../../../sim/hash';

export { seededRandom };

export interface MutableReplica {
  name: string;
  url: string;
  weight: number;
  inflight: number;
  ttftEwmaMs: number | undefined;
  engine: EngineLoad | undefined;
}

export function replica(name: string, fields: Partial<MutableReplica> = {}): MutableReplica {
  return {
    name,
    url: `http://${name}.invalid:8000`,
    weight: 1,
    inflight: 0,
    ttftEwmaMs: undefined,
    engine: undefined,
    ...fields,
  };
}

export function replicas(count: number, fields: Partial<MutableReplica> = {}): MutableReplica[] {
  return Array.from({ length: count }, (_, i) => replica(`r${i}`, fields));
}

export interface TestContext extends BalancerContext {
  advance(ms: number): void;
}

export function testContext(seed = 1, start = 1_000_000): TestContext {
  let time = start;
  return {
    random: seededRandom(seed),
    now: () => time,
    engineStaleAfterMs: 4000,
    advance(ms: number) {
      time += ms;
    },
  };
}

export function request(fields: Partial<RoutedRequest> = {}): RoutedRequest {
  return { model: 'm', sessionKey: undefined, promptText: '', cacheSalt: undefined, ...fields };
}

export function counts(names: readonly (string | undefined)[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const name of names) if (name !== undefined) result[name] = (result[name] ?? 0) + 1;
  return result;
}

export type { ReplicaView };

/** Picks, then does what the proxy does when it sends: onStart and one more in flight. */
export function send(balancer: Balancer, pool: MutableReplica[], req: RoutedRequest = request()): MutableReplica {
  const picked = balancer.pick(pool, req);
  const chosen = pool.find((r) => r === picked);
  if (!chosen) throw new Error(`picked ${picked?.name} which is not a candidate`);
  chosen.inflight += 1;
  balancer.onStart?.(chosen, req);
  return chosen;
}

/** What the proxy does when the request ends: one less in flight, then onFinish. */
export function finish(
  balancer: Balancer,
  replicaSent: MutableReplica,
  req: RoutedRequest,
  outcome: { ok: boolean; ttftMs?: number } = { ok: true },
): void {
  replicaSent.inflight -= 1;
  balancer.onFinish?.(replicaSent, req, outcome);
}
