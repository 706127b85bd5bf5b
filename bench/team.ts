// The team scenario: every developer runs their own sidecar (a `serve` process each) in front of the same replicas;
// each developer's sessions go through their own sidecar only. A sidecar that counts only its own in-flight requests
// sees one developer's share of the load.
import type { AlgorithmId } from '../core/protocol';
import { writeBenchConfig } from './benchConfig';
import { startServe } from './childProcess';
import type { FleetInfo, RunningContender } from './contenders';

/** Session i belongs to developer i mod developers. */
export function developerOf(sessionIndex: number, developers: number): number {
  return sessionIndex % developers;
}

export async function startTeam(
  algorithm: AlgorithmId,
  developers: number,
  fleet: FleetInfo,
  sessionKeys: readonly string[],
): Promise<RunningContender> {
  const written = writeBenchConfig({
    replicas: fleet.urls.map((url, i) => ({ url, name: fleet.names[i]! })),
    algorithm,
    engineIntervalMs: fleet.engineIntervalMs,
    healthIntervalMs: fleet.healthIntervalMs,
  });
  const started = await Promise.allSettled(Array.from({ length: developers }, () => startServe(written.file)));
  const sidecars = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stopAll = async () => {
    await Promise.all(sidecars.map((s) => s.stop()));
    written.remove();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stopAll();
    throw (failed as PromiseRejectedResult).reason;
  }
  const developerByKey = new Map(sessionKeys.map((key, i) => [key, developerOf(i, developers)]));
  return {
    target: (key) => ({ url: sidecars[developerByKey.get(key) ?? 0]!.url, headers: { 'x-session-id': key } }),
    pids: sidecars.map((s) => s.pid),
    stop: stopAll,
  };
}
