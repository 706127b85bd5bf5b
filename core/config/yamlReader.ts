// Reads typed values out of a parsed YAML document, reporting each problem at the line and column of the
// offending key or value. Messages name the field path and never echo the value itself (it may be a secret).
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type Scalar } from 'yaml';
import type { ConfigIssue } from './types';
import { DURATION_EXAMPLES, parseDuration, parseSize } from './units';

export class IssueSink {
  readonly issues: ConfigIssue[] = [];
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  atOffset(offset: number, message: string, severity: ConfigIssue['severity'] = 'error'): void {
    const { line, col } = this.lines.linePos(offset);
    this.issues.push({ file: this.file, line, col, message, severity });
  }

  at(node: Node | null | undefined, message: string, severity: ConfigIssue['severity'] = 'error'): void {
    this.atOffset(node?.range?.[0] ?? 0, message, severity);
  }

  get hasErrors(): boolean {
    return this.issues.some((issue) => issue.severity === 'error');
  }
}

/** A key of a mapping with its value node; `value` is null when the key has no value. */
export interface Field {
  path: string;
  key: Scalar;
  value: Node | null;
}

export class YamlReader {
  constructor(
    private readonly doc: Document,
    readonly sink: IssueSink,
  ) {}

  /** Follows an alias (`*name`) to the node it names. */
  deref(node: unknown): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null) ?? null;
  }

  /** A string value under `key` of a mapping, without reporting anything (for cross-item checks). */
  peekString(node: Node | null, key: string): { value: string; node: Node } | undefined {
    const target = this.deref(node);
    if (!isMap(target)) return undefined;
    for (const pair of target.items) {
      const value = this.deref(pair.value);
      if (isScalar(pair.key) && pair.key.value === key && isScalar(value) && typeof value.value === 'string') {
        return { value: value.value, node: value };
      }
    }
    return undefined;
  }

  /** The node that carries a field's position: its value, or its key when the value is empty. */
  where(field: Field): Node {
    return field.value ?? field.key;
  }

  /** Reads a mapping's keys; unknown keys are errors at the key. Returns undefined when the node is no mapping. */
  map(node: Node | null, path: string, allowed: readonly string[], anchor?: Node): Map<string, Field> | undefined {
    const target = this.deref(node);
    if (!isMap(target)) {
      this.sink.at(target ?? anchor, `${path || 'the config'} must be a mapping (key: value lines)`);
      return undefined;
    }
    const fields = new Map<string, Field>();
    for (const pair of target.items) {
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== 'string') {
        this.sink.at(key as Node, `${path || 'the config'}: keys must be plain names`);
        continue;
      }
      const name = key.value;
      const fieldPath = path ? `${path}.${name}` : name;
      if (!allowed.includes(name)) {
        const hint = closest(name, allowed);
        this.sink.at(
          key,
          `unknown key "${fieldPath}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed here: ${allowed.join(', ')}`,
        );
        continue;
      }
      fields.set(name, { path: fieldPath, key, value: this.deref(pair.value) });
    }
    return fields;
  }

  /** The items of a sequence, or undefined (with an error) when the node is no sequence. */
  seq(field: Field): Node[] | undefined {
    const node = field.value;
    if (!isSeq(node)) {
      this.sink.at(this.where(field), `${field.path} must be a list`);
      return undefined;
    }
    return node.items.map((item) => this.deref(item) ?? (item as Node));
  }

  private scalar(field: Field): unknown {
    const node = field.value;
    if (node === null) return null;
    return isScalar(node) ? node.value : undefined;
  }

  string(field: Field, options: { nonEmpty?: boolean } = {}): string | undefined {
    const value = this.scalar(field);
    if (typeof value !== 'string' || (options.nonEmpty !== false && value.trim() === '')) {
      this.sink.at(this.where(field), `${field.path} must be a non-empty string`);
      return undefined;
    }
    return value;
  }

  boolean(field: Field): boolean | undefined {
    const value = this.scalar(field);
    if (typeof value !== 'boolean') {
      this.sink.at(this.where(field), `${field.path} must be true or false`);
      return undefined;
    }
    return value;
  }

  integer(field: Field, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const value = this.scalar(field);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
      this.sink.at(this.where(field), `${field.path} must be a whole number ${range}`);
      return undefined;
    }
    return value;
  }

  /** Milliseconds; `positive` rejects 0. A bare number is an error that says which unit to add. */
  duration(field: Field, options: { positive: boolean }): number | undefined {
    const value = this.scalar(field);
    const ms = value === undefined || value === null ? 'missing' : parseDuration(value);
    const what = options.positive ? 'a positive duration' : 'a duration';
    if (typeof ms === 'string' && ms.startsWith('needs a unit')) {
      this.sink.at(this.where(field), `${field.path} ${ms}`);
      return undefined;
    }
    if (typeof ms !== 'number' || (options.positive && ms <= 0)) {
      this.sink.at(this.where(field), `${field.path} must be ${what} such as ${DURATION_EXAMPLES}`);
      return undefined;
    }
    return ms;
  }

  size(field: Field): number | undefined {
    const value = this.scalar(field);
    const bytes = value === undefined || value === null ? 'missing' : parseSize(value);
    if (typeof bytes !== 'number' || bytes <= 0) {
      this.sink.at(
        this.where(field),
        `${field.path} must be a positive size such as 512KiB, 32MiB or a number of bytes`,
      );
      return undefined;
    }
    return bytes;
  }

  stringList(field: Field): string[] | undefined {
    const items = this.seq(field);
    if (!items) return undefined;
    const out: string[] = [];
    items.forEach((item, index) => {
      const value = this.string({ path: `${field.path}[${index}]`, key: field.key, value: item });
      if (value !== undefined) out.push(value);
    });
    return out.length === items.length ? out : undefined;
  }
}

/** The allowed key nearest to a misspelt one (edit distance ≤ 2), for "did you mean". */
function closest(name: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
