// JSON with object keys sorted, so that the same value renders to the same text in every sidecar whatever order a
// client wrote its keys in (tool schemas, tool inputs). Keys named in `drop` are left out at every level (Anthropic's
// `cache_control` markers move between turns without changing what the engine renders). Nesting deeper than
// MAX_DEPTH renders as a marker instead of recursing, so a hostile body cannot exhaust the stack.

export const MAX_DEPTH = 64;
const NO_KEYS: ReadonlySet<string> = new Set();

export function canonicalJson(value: unknown, drop: ReadonlySet<string> = NO_KEYS): string {
  const out: string[] = [];
  write(value, drop, 0, out);
  return out.join('');
}

function write(value: unknown, drop: ReadonlySet<string>, depth: number, out: string[]): void {
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
    out.push(JSON.stringify(value));
    return;
  }
  if (typeof value !== 'object') {
    out.push('null');
    return;
  }
  if (depth >= MAX_DEPTH) {
    out.push('"<|deep|>"');
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, index) => {
      if (index > 0) out.push(',');
      write(item, drop, depth + 1, out);
    });
    out.push(']');
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => !drop.has(key) && record[key] !== undefined)
    .sort();
  out.push('{');
  keys.forEach((key, index) => {
    if (index > 0) out.push(',');
    out.push(JSON.stringify(key), ':');
    write(record[key], drop, depth + 1, out);
  });
  out.push('}');
}
