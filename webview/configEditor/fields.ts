// What each form field edits and how its text becomes a YAML value. Pure: no DOM, no vscode.

import { parseDuration, parseSize } from '../../core/config/units';
import type { FormValue, YamlPath } from '../../core/configEditor/messages';

export type FieldKind =
  | 'text'
  | 'integer'
  | 'duration'
  | 'size'
  | 'list'
  | 'algorithm'
  | 'boolean'
  | 'reference'
  /** The name of another pool of the file (a select). */
  | 'pool';

export interface FieldSpec {
  /** Path relative to its owner (the root, a pool or a replica). */
  path: YamlPath;
  label: string;
  kind: FieldKind;
  /** Shown when the file leaves the field out: the default that then applies. */
  placeholder?: string;
  hint?: string;
}

export const GLOBAL_FIELDS: FieldSpec[] = [
  { path: ['listen', 'host'], label: 'Listen host', kind: 'text', placeholder: '127.0.0.1' },
  { path: ['listen', 'port'], label: 'Listen port', kind: 'integer', placeholder: '8800' },
  { path: ['algorithm'], label: 'Default algorithm', kind: 'algorithm', placeholder: 'least-connections' },
  { path: ['engineMetrics', 'enabled'], label: 'Scrape engine /metrics', kind: 'boolean', placeholder: 'true' },
  { path: ['engineMetrics', 'interval'], label: 'Scrape interval', kind: 'duration', placeholder: '2s' },
  { path: ['limits', 'maxBodyBytes'], label: 'Max request body', kind: 'size', placeholder: '32MiB' },
  { path: ['shutdownGrace'], label: 'Shutdown grace', kind: 'duration', placeholder: '30s' },
  {
    path: ['allowedOrigins'],
    label: 'Allowed browser origins',
    kind: 'list',
    placeholder: 'none',
    hint: 'Comma-separated, e.g. https://example.com',
  },
  {
    path: ['clientToken'],
    label: 'Client token',
    kind: 'reference',
    hint: 'Required when listening beyond loopback',
  },
  { path: ['admin', 'token'], label: 'Admin token', kind: 'reference', hint: 'Or env VLLM_POOLS_ADMIN_TOKEN' },
];

export const POOL_FIELDS: FieldSpec[] = [
  { path: ['name'], label: 'Name', kind: 'text' },
  {
    path: ['models'],
    label: 'Models',
    kind: 'list',
    placeholder: 'learned from /v1/models',
    hint: 'Comma-separated model ids',
  },
  { path: ['algorithm'], label: 'Algorithm', kind: 'algorithm' },
  { path: ['retries'], label: 'Retries', kind: 'integer', placeholder: '2', hint: 'Before the first byte only' },
  { path: ['maxFails'], label: 'Max fails', kind: 'integer', placeholder: '3' },
  { path: ['failTimeout'], label: 'Fail timeout', kind: 'duration', placeholder: '30s' },
  {
    path: ['fallback'],
    label: 'Fallback pool',
    kind: 'pool',
    hint: 'Takes requests when this pool has no healthy replica or every replica is busy',
  },
  {
    path: ['deadline'],
    label: 'Deadline',
    kind: 'duration',
    placeholder: '600s',
    hint: 'For a request across its retries and waits, before the answer starts',
  },
];

export const HEALTH_FIELDS: FieldSpec[] = [
  { path: ['healthCheck', 'enabled'], label: 'Active checks', kind: 'boolean', placeholder: 'true' },
  { path: ['healthCheck', 'path'], label: 'Path', kind: 'text', placeholder: '/health' },
  { path: ['healthCheck', 'interval'], label: 'Interval', kind: 'duration', placeholder: '5s' },
  { path: ['healthCheck', 'timeout'], label: 'Timeout', kind: 'duration', placeholder: '2s' },
  { path: ['healthCheck', 'rise'], label: 'Rise', kind: 'integer', placeholder: '2' },
  { path: ['healthCheck', 'fall'], label: 'Fall', kind: 'integer', placeholder: '3' },
];

export const TIMEOUT_FIELDS: FieldSpec[] = [
  { path: ['timeouts', 'connect'], label: 'Connect', kind: 'duration', placeholder: '5s' },
  { path: ['timeouts', 'firstByte'], label: 'First byte', kind: 'duration', placeholder: '300s' },
  { path: ['timeouts', 'idle'], label: 'Idle', kind: 'duration', placeholder: '3600s' },
];

export const REPLICA_FIELDS: FieldSpec[] = [
  { path: ['url'], label: 'URL', kind: 'text' },
  { path: ['name'], label: 'Name', kind: 'text', placeholder: 'host:port' },
  { path: ['weight'], label: 'Weight', kind: 'integer', placeholder: '1' },
  { path: ['apiKey'], label: 'API key', kind: 'reference' },
];

/** The value of `path` inside `root`, or undefined. */
export function valueAt(root: FormValue | undefined, path: YamlPath): FormValue | undefined {
  let node: FormValue | undefined = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[segment as number] : (node as Record<string, FormValue>)[segment as string];
  }
  return node;
}

/** How a value from the file shows in a text box. */
export function displayValue(value: FormValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => displayValue(item)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The YAML value for what the user typed, or null to remove the key (an empty field means "use the default").
 * Numbers stay numbers; anything else is kept as typed so that the validator can point at it.
 */
export function parseFieldInput(kind: FieldKind, text: string): FormValue {
  const trimmed = text.trim();
  if (kind === 'list') {
    const items = trimmed
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return items.length === 0 ? null : items;
  }
  if (trimmed === '') return null;
  if (kind === 'integer' || kind === 'duration' || kind === 'size') {
    if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  }
  if (kind === 'boolean') return trimmed === 'true';
  return trimmed;
}

/**
 * What is wrong with `text` typed into a field of `kind`, checked as the user types (the config's own parsers), or
 * undefined when it is fine or empty (empty means the default).
 */
export function fieldProblem(kind: FieldKind, text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (kind === 'integer') return /^\d+$/.test(trimmed) ? undefined : `"${trimmed}" is not a whole number`;
  if (kind === 'duration') {
    const parsed = parseDuration(parseFieldInput(kind, text));
    return typeof parsed === 'string' ? parsed : undefined;
  }
  if (kind === 'size') {
    const parsed = parseSize(parseFieldInput(kind, text));
    return typeof parsed === 'string' ? parsed : undefined;
  }
  return undefined;
}

export type ReferenceKind = 'none' | 'env' | 'secret' | 'literal';

const REFERENCE = /^\$\{(env|secret):([A-Za-z_][A-Za-z0-9_.-]*)\}$/;

/** Splits a secret-bearing value into the kind of reference and its name (a literal's value is never shown). */
export function readReference(value: FormValue | undefined): { kind: ReferenceKind; name: string } {
  if (value === undefined || value === null || value === '') return { kind: 'none', name: '' };
  const match = typeof value === 'string' ? REFERENCE.exec(value.trim()) : null;
  if (!match) return { kind: 'literal', name: '' };
  return { kind: match[1] as 'env' | 'secret', name: match[2]! };
}

export function writeReference(kind: ReferenceKind, name: string): FormValue | undefined {
  if (kind === 'none') return null;
  if (kind === 'literal') return undefined;
  const trimmed = name.trim();
  return trimmed === '' ? undefined : `\${${kind}:${trimmed}}`;
}

/** The pools a pool's `fallback` may name: every other named pool of the file, in file order. */
export function fallbackChoices(values: FormValue | undefined, poolIndex: number): string[] {
  const pools = valueAt(values, ['pools']);
  if (!Array.isArray(pools)) return [];
  return pools.flatMap((pool, index) => {
    const name = valueAt(pool, ['name']);
    return index !== poolIndex && typeof name === 'string' && name !== '' ? [name] : [];
  });
}

/** The top-level `aliases` map (a model name a tool insists on -> the model a pool serves), in file order. */
export function aliasEntries(values: FormValue | undefined): [string, string][] {
  const aliases = valueAt(values, ['aliases']);
  if (aliases === null || typeof aliases !== 'object' || Array.isArray(aliases) || aliases === undefined) return [];
  return Object.entries(aliases).map(([name, model]) => [name, displayValue(model)]);
}

/** Why a new alias cannot be added as typed, or undefined when it can. */
export function aliasProblem(name: string, model: string, existing: readonly string[]): string | undefined {
  if (name.trim() === '') return 'Give the name the tool asks for';
  if (model.trim() === '') return 'Give the model a pool serves';
  if (existing.includes(name.trim())) return `"${name.trim()}" is already an alias`;
  if (name.trim() === model.trim()) return 'An alias cannot name itself';
  return undefined;
}

/** The listen port hint when the running sidecar listens elsewhere than the file says (the vllmPools.port setting). */
export function listenPortHint(value: FormValue | undefined, sidecarPort: number | null): string | undefined {
  if (sidecarPort === null) return undefined;
  const configured = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 8800;
  if (configured === sidecarPort) return undefined;
  return `The sidecar runs on port ${sidecarPort} (the vllmPools.port setting overrides this field)`;
}
