// How commands read their arguments: a tree node (context menus), a "pool/replica" string or an object (scripts, e2e),
// or nothing (palette: the command asks). Plus the quick-pick items they show. No vscode import.
import { ALGORITHM_DESCRIPTIONS, ALGORITHM_IDS, type AlgorithmId, type StateSnapshot } from '../core/protocol';

export interface PoolTarget {
  pool: string;
}

export interface ReplicaTarget {
  pool: string;
  replica: string;
  url?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The pool a command argument names: a pool or replica node, `{pool}`, or a pool name. */
export function poolTargetOf(arg: unknown): PoolTarget | undefined {
  if (typeof arg === 'string' && arg !== '') return { pool: arg.split('/')[0]! };
  if (isRecord(arg) && typeof arg['pool'] === 'string') return { pool: arg['pool'] };
  return undefined;
}

/** The replica a command argument names: a replica node, `{pool, replica}`, or "pool/replica". */
export function replicaTargetOf(arg: unknown): ReplicaTarget | undefined {
  if (typeof arg === 'string') {
    const slash = arg.indexOf('/');
    if (slash <= 0 || slash === arg.length - 1) return undefined;
    return { pool: arg.slice(0, slash), replica: arg.slice(slash + 1) };
  }
  if (isRecord(arg) && typeof arg['pool'] === 'string' && typeof arg['replica'] === 'string') {
    const target: ReplicaTarget = { pool: arg['pool'], replica: arg['replica'] };
    if (typeof arg['url'] === 'string') target.url = arg['url'];
    return target;
  }
  return undefined;
}

/** Completes a target with the replica's URL from the snapshot; undefined when the snapshot has no such replica. */
export function resolveReplica(target: ReplicaTarget, snapshot: StateSnapshot | undefined): ReplicaTarget | undefined {
  if (!snapshot) return target;
  const replica = snapshot.pools.find((p) => p.name === target.pool)?.replicas.find((r) => r.name === target.replica);
  return replica ? { pool: target.pool, replica: replica.name, url: replica.url } : undefined;
}

export interface AlgorithmPickItem {
  label: string;
  description: string;
  detail: string;
  algorithm: AlgorithmId;
  picked: boolean;
}

/** The seven algorithms with their one-line descriptions; the current one marked (and listed first). */
export function algorithmPickItems(current: AlgorithmId | undefined): AlgorithmPickItem[] {
  const items = ALGORITHM_IDS.map((id) => ({
    label: id === current ? `$(check) ${id}` : id,
    description: id === current ? 'current' : '',
    detail: ALGORITHM_DESCRIPTIONS[id],
    algorithm: id,
    picked: id === current,
  }));
  return [...items.filter((i) => i.picked), ...items.filter((i) => !i.picked)];
}

export interface ScopePickItem {
  label: string;
  description: string;
  /** undefined: every pool. */
  pool: string | undefined;
}

/** The algorithms in force: a state snapshot, or what the config file says when the sidecar is not running. */
export interface AlgorithmScopes {
  algorithm: AlgorithmId;
  pools: readonly { name: string; algorithm: AlgorithmId }[];
}

/** "All pools" first, then each pool with its current algorithm. */
export function scopePickItems(snapshot: AlgorithmScopes): ScopePickItem[] {
  const algorithms = new Set(snapshot.pools.map((p) => p.algorithm));
  return [
    {
      label: 'All pools',
      description: algorithms.size === 1 ? [...algorithms][0]! : `now: ${[...algorithms].join(', ')}`,
      pool: undefined,
    },
    ...snapshot.pools.map((p) => ({ label: p.name, description: p.algorithm, pool: p.name })),
  ];
}

/** Where a chosen algorithm is written, and which pools it changes: one rule for the palette and the dashboard. */
export interface AlgorithmTarget {
  /** all: the top-level default and every pool's own key; pool: that pool's own key; default: the top-level key. */
  level: 'all' | 'pool' | 'default';
  /** The pools it changes (set live through the admin API one by one, unless level is all). */
  pools: string[];
  /** What the choice changes, in the picker's words. */
  note: string;
}

/**
 * A pool with its own `algorithm:` in the file gets that key changed; a pool without one follows the top-level
 * default, so the default is changed (and with it every pool that follows it), never a second key added.
 */
export function algorithmTarget(
  file: { pools: readonly { name: string; algorithm?: string | undefined }[] },
  pool: string | undefined,
): AlgorithmTarget {
  const all = file.pools.map((p) => p.name);
  if (pool === undefined) return { level: 'all', pools: all, note: 'Written as the default and for every pool' };
  if (file.pools.find((p) => p.name === pool)?.algorithm !== undefined) {
    return { level: 'pool', pools: [pool], note: `Written as pool ${pool}'s own algorithm` };
  }
  const following = file.pools.filter((p) => p.algorithm === undefined).map((p) => p.name);
  if (!following.includes(pool)) following.push(pool);
  const others = following.filter((name) => name !== pool);
  return {
    level: 'default',
    pools: following,
    note:
      others.length === 0
        ? 'Written as the top-level default (the pool has no algorithm of its own)'
        : `Written as the top-level default, which pools ${others.join(', ')} follow too`,
  };
}

/** The algorithm currently in force for a scope: the pool's, or the one all pools share. */
export function currentAlgorithm(snapshot: AlgorithmScopes, pool: string | undefined): AlgorithmId | undefined {
  if (pool !== undefined) return snapshot.pools.find((p) => p.name === pool)?.algorithm;
  const algorithms = new Set(snapshot.pools.map((p) => p.algorithm));
  return algorithms.size === 1 ? [...algorithms][0] : algorithms.size === 0 ? snapshot.algorithm : undefined;
}

/**
 * Checks and normalises a replica URL typed by the user: http(s) only, no credentials, no query; a trailing "/v1"
 * or "/" is dropped (the sidecar adds the path). Returns the URL or a message saying what is wrong.
 */
export function normalizeReplicaUrl(input: string): { url: string } | { error: string } {
  let text = input.trim();
  if (text === '') return { error: 'Enter the base URL of a vLLM server, e.g. http://10.0.0.10:8000' };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `Not a URL: ${input.trim()}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'Use an http:// or https:// URL' };
  if (url.username || url.password) return { error: 'Put credentials in an API key (Set API Key), not in the URL' };
  if (url.search || url.hash) return { error: 'The URL must not have a query or fragment' };
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return { url: `${url.protocol}//${url.host}${path}` };
}

/** The default name of a replica: host:port of its URL (what the sidecar uses when the file gives none). */
export function defaultReplicaName(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.host;
  } catch {
    return url;
  }
}

/** The `name:` to write for a name typed in Add Replica: none when it is empty or the default (host:port). */
export function replicaNameToWrite(typed: string | undefined, url: string): string | undefined {
  const name = typed?.trim() ?? '';
  return name === '' || name === defaultReplicaName(url) ? undefined : name;
}
