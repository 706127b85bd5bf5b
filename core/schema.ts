// A tiny runtime schema: each shape is written once, and both its TypeScript type (Infer) and its guard (check) come
// from it, so a message type and the code that validates it cannot drift apart. A failed check says why, with the
// path of the offending field ("edit.path[2]: expected a string or a number").
// Plain data and functions only: imported by the sidecar, the extension host and the webview pages.

export interface Schema<T> {
  /** Undefined when `value` has the shape; otherwise the reason, starting with `at` (the field's path). */
  check(value: unknown, at: string): string | undefined;
  /** Phantom: carries the type for Infer. Never set. */
  readonly type?: T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Runs a schema over a value: the typed value, or the reason it was refused. */
export function validate<T>(schema: Schema<T>, value: unknown, at = 'value'): Checked<T> {
  const reason = schema.check(value, at);
  return reason === undefined ? { ok: true, value: value as T } : { ok: false, reason };
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function primitive<T>(name: string, test: (value: unknown) => boolean): Schema<T> {
  return { check: (value, at) => (test(value) ? undefined : `${at}: expected ${name}, got ${describe(value)}`) };
}

export const string: Schema<string> = primitive('a string', (v) => typeof v === 'string');
export const number: Schema<number> = primitive('a finite number', (v) => typeof v === 'number' && Number.isFinite(v));
export const integer: Schema<number> = primitive('an integer', (v) => Number.isSafeInteger(v));
export const boolean: Schema<boolean> = primitive('true or false', (v) => typeof v === 'boolean');
export const nullValue: Schema<null> = primitive('null', (v) => v === null);

/** One of the listed strings (an enum such as ALGORITHM_IDS). */
export function oneOf<const V extends readonly string[]>(values: V): Schema<V[number]> {
  return {
    check: (value, at) =>
      typeof value === 'string' && values.includes(value)
        ? undefined
        : `${at}: expected one of ${values.join(', ')}, got ${describe(value)}`,
  };
}

export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return { check: (value, at) => (value === null ? undefined : schema.check(value, at)) };
}

export function arrayOf<T>(item: Schema<T>): Schema<T[]> {
  return {
    check(value, at) {
      if (!Array.isArray(value)) return `${at}: expected an array, got ${describe(value)}`;
      for (let index = 0; index < value.length; index++) {
        const reason = item.check(value[index], `${at}[${index}]`);
        if (reason) return reason;
      }
      return undefined;
    },
  };
}

/** Either schema (tried in order; the reason names both when neither fits). */
export function either<A, B>(a: Schema<A>, b: Schema<B>): Schema<A | B> {
  return {
    check(value, at) {
      const first = a.check(value, at);
      if (first === undefined) return undefined;
      const second = b.check(value, at);
      return second === undefined ? undefined : `${first}; or ${second.slice(at.length + 2)}`;
    },
  };
}

/** Marks a field of `object()` that may be absent. */
export interface Optional<T> extends Schema<T | undefined> {
  readonly optional: true;
}

export function optional<T>(schema: Schema<T>): Optional<T> {
  return { optional: true, check: (value, at) => (value === undefined ? undefined : schema.check(value, at)) };
}

export type Fields = Record<string, Schema<unknown>>;

type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends Optional<unknown> ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type InferFields<F extends Fields> = Simplify<
  { [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & {
    [K in OptionalKeys<F>]?: Exclude<Infer<F[K]>, undefined>;
  }
>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object with these fields (other fields are allowed and ignored). */
export function object<F extends Fields>(fields: F): Schema<InferFields<F>> {
  return {
    check(value, at) {
      if (!isRecord(value)) return `${at}: expected an object, got ${describe(value)}`;
      for (const [key, schema] of Object.entries(fields)) {
        const reason = schema.check(value[key], `${at}.${key}`);
        if (reason) return reason;
      }
      return undefined;
    },
  };
}

/**
 * An object the receiver trusts for its inner shape (the extension host built it: a whole state snapshot); only
 * "is an object" (or null, when allowed by wrapping in nullable) is checked. Use for host-to-page payloads only.
 */
export function trusted<T extends object>(): Schema<T> {
  return primitive<T>('an object', isRecord);
}

/** Any JSON value (a form value written into the YAML file). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const json: Schema<JsonValue> = {
  check(value, at): string | undefined {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
    if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${at}: expected a finite number`;
    if (Array.isArray(value)) return arrayOf(json).check(value, at);
    if (!isRecord(value)) return `${at}: expected a JSON value, got ${describe(value)}`;
    for (const [key, item] of Object.entries(value)) {
      const reason = json.check(item, `${at}.${key}`);
      if (reason) return reason;
    }
    return undefined;
  },
};

/**
 * A union of objects told apart by one string field (`type` for messages, `kind` for form edits), declared as a map
 * from each tag to the fields that go with it. The derived type and guard cover exactly the declared tags.
 */
export interface TaggedUnion<Tag extends string, M extends Record<string, Fields>>
  extends Schema<TaggedOf<Tag, M, keyof M & string>> {
  readonly tag: Tag;
  readonly tags: readonly (keyof M & string)[];
}

export type TaggedOf<Tag extends string, M extends Record<string, Fields>, K extends keyof M & string> = {
  [T in K]: Simplify<{ [P in Tag]: T } & InferFields<M[T]>>;
}[K];

export function tagged<const Tag extends string, const M extends Record<string, Fields>>(
  tag: Tag,
  variants: M,
): TaggedUnion<Tag, M> {
  const tags = Object.keys(variants) as (keyof M & string)[];
  const bodies = new Map(tags.map((name) => [name, object(variants[name]!)] as const));
  return {
    tag,
    tags,
    check(value, at) {
      if (!isRecord(value)) return `${at}: expected an object, got ${describe(value)}`;
      const name = value[tag];
      const body = typeof name === 'string' ? bodies.get(name) : undefined;
      if (!body) return `${at}.${tag}: expected one of ${tags.join(', ')}, got ${describe(name)}`;
      return body.check(value, at);
    },
  };
}

/** The variant of a message map with this tag, e.g. MessageOf<typeof PAGE_TO_HOST, 'drain'>. */
export type VariantOf<U, Tag extends string, K extends string> = U extends { [P in Tag]: K } ? U : never;
