// The latency figures of the lmChat scenario (issue 22): vscode.lm through the pool against VS Code's floor (a
// trivial provider) and a direct request to the sidecar, measured by the test extension; plus the provider's own
// timing lines from the extension's log. Printed, never asserted (no wall-clock asserts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TimedLm {
  startedAt: number;
  resolvedMs: number;
  firstFragmentMs?: number;
  totalMs: number;
  fragments: number;
  providerCalledMs?: number;
}
export interface TimedDirect {
  status: number;
  headMs: number;
  firstTextMs?: number;
  totalMs: number;
}
export interface LmLatency {
  direct: TimedDirect[];
  floor: TimedLm[];
  pool: TimedLm[];
  floorCalls: { chatInformation: number; tokenCounts: number; responses: number[] };
}

const ms = (value: number | undefined) => (value === undefined ? '?' : value.toFixed(1));
const median = (values: number[]) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : undefined;
};

/** The chat provider's "first text after …" lines from the extension's log files under the user-data dir. */
export function providerTimingLines(userDataDir: string): string[] {
  const lines: string[] = [];
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.log') && dir.includes('vllm-pools.vllm-pools')) {
        for (const line of readFileSync(path, 'utf8').split('\n')) if (/first text after/.test(line)) lines.push(line);
      }
    }
  };
  walk(join(userDataDir, 'logs'));
  return lines;
}

/** The lines printed after the scenario: each request, then the medians of the warm rounds and our cost. */
export function latencyReport(
  latency: LmLatency,
  allowClickedAt: number | undefined,
  providerLines: string[],
): string[] {
  const out: string[] = [];
  const [first, ...warm] = latency.pool;
  if (first) {
    const dialog = allowClickedAt !== undefined ? `, Allow dialog seen ${allowClickedAt - first.startedAt} ms in` : '';
    out.push(
      `# vscode.lm pool, first request: sendRequest resolved ${ms(first.resolvedMs)} ms, first fragment ${ms(first.firstFragmentMs)} ms${dialog}`,
    );
  }
  for (const [i, t] of warm.entries()) {
    out.push(
      `# vscode.lm pool, warm ${i + 1}: resolved ${ms(t.resolvedMs)} ms, first fragment ${ms(t.firstFragmentMs)} ms`,
    );
  }
  for (const [i, t] of latency.floor.entries()) {
    out.push(
      `# vscode.lm floor ${i + 1}: provider called ${ms(t.providerCalledMs)} ms, first fragment ${ms(t.firstFragmentMs)} ms`,
    );
  }
  for (const [i, t] of latency.direct.entries()) {
    out.push(
      `# direct to the sidecar ${i + 1}: status ${t.status}, head ${ms(t.headMs)} ms, first text ${ms(t.firstTextMs)} ms`,
    );
  }
  for (const line of providerLines) out.push(`# provider: ${line.replace(/^.*?\] /, '')}`);
  out.push(
    `# floor provider: ${latency.floorCalls.tokenCounts} provideTokenCount calls, ${latency.floorCalls.chatInformation} model-info calls`,
  );
  const pool = median(warm.map((t) => t.firstFragmentMs ?? Number.NaN));
  const floor = median(latency.floor.map((t) => t.firstFragmentMs ?? Number.NaN));
  const direct = median(latency.direct.map((t) => t.firstTextMs ?? Number.NaN));
  if (pool !== undefined && floor !== undefined && direct !== undefined) {
    out.push(
      `# vscode.lm warm medians: pool ${ms(pool)} ms = floor ${ms(floor)} ms + direct ${ms(direct)} ms + ours ${ms(pool - floor - direct)} ms; pool over direct ${ms(pool - direct)} ms`,
    );
  }
  return out;
}
