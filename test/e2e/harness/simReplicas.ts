// Simulated vLLM replicas, one process each (so that one can be killed like a crashed GPU server).
import { join } from 'node:path';
import { cliJs } from './paths';
import { type ManagedProcess, startProcess } from './processes';

export interface SimReplica {
  index: number;
  url: string;
  process: ManagedProcess;
}

export async function startSimReplica(index: number, logDir: string, timeScale: number): Promise<SimReplica> {
  const process = startProcess(
    `sim-${index}`,
    globalThis.process.execPath,
    [cliJs, 'sim', '--replicas', '1', '--port', '0', '--time-scale', String(timeScale), '--seed', String(index + 1)],
    { logFile: join(logDir, `sim-${index}.log`) },
  );
  const match = await process.waitForLine(/sim replica 0 listening on (http:\/\/127\.0\.0\.1:\d+)/, 30_000);
  return { index, url: match[1]!, process };
}

export async function startSimReplicas(count: number, logDir: string, timeScale: number): Promise<SimReplica[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startSimReplica(i, logDir, timeScale)));
}
