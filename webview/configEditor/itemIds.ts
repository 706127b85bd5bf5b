// Stable identities for the pools and replicas of the form, kept across document changes, so that what the user has
// typed but not committed (drafts) stays with its pool or replica when the text changes under it: a pool inserted
// before the others, replicas reordered, a pool renamed. Each new document is matched against the previous one:
// pools by name, replicas by URL and then by name; whatever is left over is paired in order (a rename, a URL being
// edited); the rest is new. Draft keys then name ids (`pools.#3.replicas.#7.url`) instead of positions. Pure: no DOM.
import type { FormValue } from '../../core/configEditor/messages';

interface ReplicaEntry {
  id: number;
  url: string | undefined;
  name: string | undefined;
}

interface PoolEntry {
  id: number;
  name: string | undefined;
  replicas: ReplicaEntry[];
}

/** A pool as the document describes it, before it has an id. */
interface DescribedPool {
  name: string | undefined;
  replicas: Omit<ReplicaEntry, 'id'>[];
}

const INDEX = /^\d+$/;

export class ItemIds {
  private nextId = 1;
  private pools: PoolEntry[] = [];

  /** Takes the pools of a new document (the form's values), keeping the ids of the pools and replicas it still has. */
  update(values: FormValue): void {
    const described = describePools(values);
    const poolMatch = matchItems(this.pools, described, [(pool) => pool.name]);
    this.pools = described.map((pool, index) => {
      const previous = poolMatch[index];
      const replicaMatch = previous
        ? matchItems(previous.replicas, pool.replicas, [(replica) => replica.url, (replica) => replica.name])
        : [];
      return {
        id: previous?.id ?? this.nextId++,
        name: pool.name,
        replicas: pool.replicas.map((replica, j) => ({ ...replica, id: replicaMatch[j]?.id ?? this.nextId++ })),
      };
    });
  }

  /**
   * The key under which a control's draft is kept: its data-key with the pool index (`pools.N`) and the replica
   * index (`replicas.M`) replaced by their ids. Keys of no pool (global fields, the add-pool row) stay as they are.
   */
  stableKey(key: string): string {
    const segments = key.split('.');
    if (segments[0] !== 'pools' || !INDEX.test(segments[1] ?? '')) return key;
    const pool = this.pools[Number(segments[1])];
    if (!pool) return key;
    segments[1] = `#${pool.id}`;
    if (segments[2] === 'replicas' && INDEX.test(segments[3] ?? '')) {
      const replica = pool.replicas[Number(segments[3])];
      if (replica) segments[3] = `#${replica.id}`;
    }
    return segments.join('.');
  }

  /** The inverse of stableKey for the current document: the control's data-key now, or undefined when it is gone. */
  controlKey(stableKey: string): string | undefined {
    const segments = stableKey.split('.');
    if (segments[0] !== 'pools' || !segments[1]?.startsWith('#')) return stableKey;
    const poolIndex = this.pools.findIndex((p) => `#${p.id}` === segments[1]);
    if (poolIndex === -1) return undefined;
    segments[1] = String(poolIndex);
    if (segments[2] === 'replicas' && segments[3]?.startsWith('#')) {
      const replicaIndex = this.pools[poolIndex]!.replicas.findIndex((r) => `#${r.id}` === segments[3]);
      if (replicaIndex === -1) return undefined;
      segments[3] = String(replicaIndex);
    }
    return segments.join('.');
  }

  /** False for a stable key that names a pool or replica no longer in the document (its drafts can go). */
  isCurrent(stableKey: string): boolean {
    const segments = stableKey.split('.');
    if (segments[0] !== 'pools' || !segments[1]?.startsWith('#')) return true;
    const pool = this.pools.find((p) => `#${p.id}` === segments[1]);
    if (!pool) return false;
    if (segments[2] !== 'replicas' || !segments[3]?.startsWith('#')) return true;
    return pool.replicas.some((r) => `#${r.id}` === segments[3]);
  }
}

function text(value: FormValue | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function field(item: FormValue | undefined, key: string): FormValue | undefined {
  return item !== null && typeof item === 'object' && !Array.isArray(item) ? item[key] : undefined;
}

function describePools(values: FormValue): DescribedPool[] {
  const pools = field(values, 'pools');
  if (!Array.isArray(pools)) return [];
  return pools.map((pool) => {
    const replicas = field(pool, 'replicas');
    return {
      name: text(field(pool, 'name')),
      replicas: (Array.isArray(replicas) ? replicas : []).map((replica) => ({
        url: text(field(replica, 'url')),
        name: text(field(replica, 'name')),
      })),
    };
  });
}

/**
 * For each item of `next`, the item of `previous` it continues, or undefined. Each identity function is tried in
 * turn (first unused equal value wins); then the items left on both sides are paired in order.
 */
function matchItems<Old, New>(
  previous: readonly Old[],
  next: readonly New[],
  identities: readonly ((item: Old | New) => string | undefined)[],
): (Old | undefined)[] {
  const result: (Old | undefined)[] = next.map(() => undefined);
  const used = new Set<number>();
  for (const identity of identities) {
    next.forEach((item, index) => {
      if (result[index] !== undefined) return;
      const value = identity(item);
      if (value === undefined) return;
      const found = previous.findIndex((old, i) => !used.has(i) && identity(old) === value);
      if (found === -1) return;
      used.add(found);
      result[index] = previous[found];
    });
  }
  const leftOver = previous.filter((_, i) => !used.has(i));
  next.forEach((_, index) => {
    if (result[index] === undefined && leftOver.length > 0) result[index] = leftOver.shift();
  });
  return result;
}
