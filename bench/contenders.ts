// Everything that can stand between the load generator and the fleet: the sidecar with each algorithm, nginx and
// HAProxy from the export module, one replica directly, and the LIMIT (a router told each session's identity).
import { ALGORITHM_IDS, type AlgorithmId } from '../core/protocol';
import { writeBenchConfig } from './benchConfig';
import { startServe } from './childProcess';
import { type GatewayKind, startGateway } from './gateways';
import type { StreamTarget } from './streamRequest';

export type ContenderSpec =
  | { kind: 'sidecar'; algorithm: AlgorithmId }
  | { kind: GatewayKind; algorithm: AlgorithmId; directive: string }
  | { kind: 'direct' }
  | { kind: 'limit' };

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
  target(sessionKey: string): StreamTarget;
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

export async function startContender(
  spec: ContenderSpec,
  fleet: FleetInfo,
  sessionKeys: readonly string[],
): Promise<RunningContender> {
  const headersFor = (key: string) => ({ 'x-session-id': key });
  if (spec.kind === 'direct') {
    return {
      target: (key) => ({ url: fleet.urls[0]!, headers: headersFor(key), replica: fleet.names[0]! }),
      pids: [],
      stop: async () => {},
    };
  }
  if (spec.kind === 'limit') {
    const pins = pinning(sessionKeys, fleet.urls.length);
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
