// Everything that can stand between the load generator and the fleet: the sidecar with each algorithm, nginx and
// HAProxy from the export module, one replica directly, and the LIMIT (a router told each session's identity).
import { ALGORITHM_IDS, type AlgorithmId } from '../core/protocol';
import { writeBenchConfig } from './benchConfig';
import { startServe } from './childProcess';
import { type GatewayKind, startGateway } from './gateways';
import { CacheAwarePeer } from './peerCacheAware';
import type { StreamTarget } from './streamRequest';
import type { BenchRequest, Session } from './workloads';

export type ContenderSpec =
  | { kind: 'sidecar'; algorithm: AlgorithmId }
  | { kind: GatewayKind; algorithm: AlgorithmId; directive: string }
  | { kind: 'direct' }
  | { kind: 'limit' }
  | { kind: 'peer' };

export const SIDECAR_ALGORITHMS: AlgorithmId[] = [...ALGORITHM_IDS];

export const GATEWAY_CONTENDERS: ContenderSpec[] = [
  { kind: 'nginx', algorithm: 'round-robin', directive: 'round robin' },
  { kind: 'nginx', algorithm: 'least-connections', directive: 'least_conn' },
  { kind: 'nginx', algorithm: 'consistent-hash', directive: 'hash $http_x_session_id consistent' },
  { kind: 'haproxy', algorithm: 'round-robin', directive: 'roundrobin' },
  { kind: 'haproxy', algorithm: 'least-connections', directive: 'leastconn' },
];

export function allContenders(): ContenderSpec[] {
  return [
    ...SIDECAR_ALGORITHMS.map((algorithm): ContenderSpec => ({ kind: 'sidecar', algorithm })),
    ...GATEWAY_CONTENDERS,
    { kind: 'direct' },
    { kind: 'peer' },
    { kind: 'limit' },
  ];
}

export function contenderLabel(spec: ContenderSpec): string {
  switch (spec.kind) {
    case 'sidecar':
      return `sidecar ${spec.algorithm}`;
    case 'nginx':
    case 'haproxy':
      return `${spec.kind} ${spec.directive}`;
    case 'direct':
      return 'direct (1 replica)';
    case 'limit':
      return 'LIMIT (sessions pinned)';
    case 'peer':
      return 'peer cache_aware (SGLang router defaults)';
  }
}

export interface FleetInfo {
  urls: string[];
  names: string[];
  /** Engine scrape interval for sidecars, real ms. */
  engineIntervalMs: number;
  healthIntervalMs: number;
}

export interface RunningContender {
  /** Where the request goes; the peer router reads the request, the others only its session key. */
  target(sessionKey: string, request?: BenchRequest): StreamTarget;
  /** Proxy processes (for CPU accounting); empty for direct and limit. */
  pids: number[];
  stop(): Promise<void>;
}

/** A balanced pinning: the i-th distinct key (in workload order) goes to replica i mod n. */
export function pinning(keys: readonly string[], replicas: number): Map<string, number> {
  const map = new Map<string, number>();
  for (const key of keys) if (!map.has(key)) map.set(key, map.size % replicas);
  return map;
}

/**
 * The LIMIT's pinning: sessions without groups as `pinning` does; with groups (agentic workloads), each group whole to
 * one replica, groups in descending order of their work (prompt tokens over all their requests), each to the replica
 * with the least work so far (longest processing time first: balanced within the largest group's size).
 */
export function limitPins(sessions: readonly Session[], replicas: number): Map<string, number> {
  if (!sessions.some((s) => s.group !== undefined))
    return pinning(
      sessions.map((s) => s.key),
      replicas,
    );
  const work = new Map<string, number>();
  for (const s of sessions) {
    const group = s.group ?? s.key;
    work.set(group, (work.get(group) ?? 0) + s.turns.reduce((sum, t) => sum + t.promptTokens, 0));
  }
  const groups = [...work.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const load = new Array<number>(replicas).fill(0);
  const groupReplica = new Map<string, number>();
  for (const [group, tokens] of groups) {
    const replica = load.indexOf(Math.min(...load));
    groupReplica.set(group, replica);
    load[replica]! += tokens;
  }
  return new Map(sessions.map((s) => [s.key, groupReplica.get(s.group ?? s.key)!]));
}

/** Text the peer router matches on: the messages' contents in order (its HTTP mode keeps raw characters). */
export function peerText(request: BenchRequest): string {
  return request.messages.map((m) => `${m.role}\n${m.content}\n`).join('');
}

export async function startContender(
  spec: ContenderSpec,
  fleet: FleetInfo,
  sessions: readonly Session[],
): Promise<RunningContender> {
  const headersFor = (key: string) => ({ 'x-session-id': key });
  if (spec.kind === 'direct') {
    return {
      target: (key) => ({ url: fleet.urls[0]!, headers: headersFor(key), replica: fleet.names[0]! }),
      pids: [],
      stop: async () => {},
    };
  }
  if (spec.kind === 'peer') {
    const peer = new CacheAwarePeer(fleet.urls.length);
    return {
      target: (key, request) => {
        const { worker } = peer.route(request ? peerText(request) : key);
        let released = false;
        return {
          url: fleet.urls[worker]!,
          headers: headersFor(key),
          replica: fleet.names[worker]!,
          done: () => {
            if (!released) peer.finish(worker);
            released = true;
          },
        };
      },
      pids: [],
      stop: async () => {},
    };
  }
  if (spec.kind === 'limit') {
    const pins = limitPins(sessions, fleet.urls.length);
    return {
      target: (key) => {
        const index = pins.get(key) ?? 0;
        return { url: fleet.urls[index]!, headers: headersFor(key), replica: fleet.names[index]! };
      },
      pids: [],
      stop: async () => {},
    };
  }
  const written = writeBenchConfig({
    replicas: fleet.urls.map((url, i) => ({ url, name: fleet.names[i]! })),
    algorithm: spec.algorithm,
    engineIntervalMs: fleet.engineIntervalMs,
    healthIntervalMs: fleet.healthIntervalMs,
  });
  try {
    const running =
      spec.kind === 'sidecar' ? await startServe(written.file) : await startGateway(spec.kind, written.config);
    return {
      target: (key) => ({ url: running.url, headers: headersFor(key) }),
      pids: [running.pid],
      stop: async () => {
        await running.stop();
        written.remove();
      },
    };
  } catch (error) {
    written.remove();
    throw error;
  }
}
