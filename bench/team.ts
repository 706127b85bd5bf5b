// The team scenario: every developer runs their own sidecar (a `serve` process each) in front of the same replicas;
// each developer's sessions go through their own sidecar only. A sidecar that counts only its own in-flight requests
// sees one developer's share of the load.
import type { AlgorithmId } from '../core/protocol';
import { writeBenchConfig } from './benchConfig';
import { startServe } from './childProcess';
import type { FleetInfo, RunningContender } from './contenders';
import type { Session } from './workloads';

/** Session i belongs to developer i mod developers. */
export function developerOf(sessionIndex: number, developers: number): number {
  return sessionIndex % developers;
}

/**
 * Which sidecar each session goes through: a session's group (its developer, in agentic workloads) is one developer
 * of the team, groups taken in order of first appearance, mod the team's size; without groups, session i is
 * developer i mod developers.
 */
export function developerMap(sessions: readonly Session[], developers: number): Map<string, number> {
  const groups = new Map<string, number>();
  return new Map(
    sessions.map((s, i) => {
      if (s.group === undefined) return [s.key, developerOf(i, developers)];
      if (!groups.has(s.group)) groups.set(s.group, groups.size % developers);
      return [s.key, groups.get(s.group)!];
    }),
  );
}

export async function startTeam(
  algorithm: AlgorithmId,
  developers: number,
  fleet: FleetInfo,
  sessions: readonly Session[],
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
  const developerByKey = developerMap(sessions, developers);
  return {
    target: (key) => ({ url: sidecars[developerByKey.get(key) ?? 0]!.url, headers: { 'x-session-id': key } }),
    pids: sidecars.map((s) => s.pid),
    stop: stopAll,
  };
}
