// Durations ("250ms", "5s", "2m", "1h", or a number of ms) and sizes ("512KiB", "32MiB", or a number of bytes).

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Milliseconds, or an error message. */
export function parseDuration(value: unknown): number | string {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value : `a duration must be a non-negative number, got ${value}`;
  }
  if (typeof value !== 'string') return `a duration must be a string like "5s" or a number of milliseconds`;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!match) return `"${value}" is not a duration (use 250ms, 5s, 2m, 1h or a number of milliseconds)`;
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']!);
}

/** Bytes, or an error message. */
export function parseSize(value: unknown): number | string {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? value : `a size must be a non-negative whole number, got ${value}`;
  }
  if (typeof value !== 'string') return `a size must be a string like "32MiB" or a number of bytes`;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(value);
  if (!match) return `"${value}" is not a size (use 512KiB, 32MiB or a number of bytes)`;
  return Math.round(Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()]!);
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
