// Durations ("250ms", "5s", "2m", "1h"; a unit is required) and sizes ("512KiB", "32MiB", or a number of bytes).

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

/** What a duration looks like, for error messages. */
export const DURATION_EXAMPLES = '250ms, 5s, 2m or 1h';

/**
 * Milliseconds, or an error message. A unit is required: a bare number (`connect: 5`) was once read as milliseconds,
 * which turned a meant 5-second timeout into 5 ms; now it is an error that names the units.
 */
export function parseDuration(value: unknown): number | string {
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(value))) {
    const n = String(value).trim();
    return `needs a unit: write ${n}s for seconds or ${n}ms for milliseconds (units: ms, s, m, h)`;
  }
  if (typeof value !== 'string') return `a duration is a number with a unit, such as ${DURATION_EXAMPLES}`;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
  if (!match) return `"${value}" is not a duration (use ${DURATION_EXAMPLES})`;
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2]!]!);
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
