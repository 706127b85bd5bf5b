// What the numbers were measured on: cores, CPU model, load average at the start (a busy machine skews latency).
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  loadAverage: [number, number, number];
  memoryGiB: number;
  node: string;
  busy: boolean;
}

export function cpuModelFrom(cpuinfo: string): string {
  const match = /^model name\s*:\s*(.+)$/m.exec(cpuinfo);
  return match ? match[1]!.trim() : 'unknown';
}

/** Busy: the 1-minute load average is above the number of cores. */
export function machineInfo(): MachineInfo {
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux
  }
  const cores = availableParallelism();
  const [l1, l5, l15] = loadavg() as [number, number, number];
  return {
    cores,
    cpuModel: cpuModelFrom(cpuinfo),
    loadAverage: [l1, l5, l15],
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    busy: l1 > cores,
  };
}
