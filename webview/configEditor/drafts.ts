// What the user has typed or chosen in the form but not yet committed to the file, keyed by the control's data-key
// (its dotted YAML path `pools.0.failTimeout`, or its role `pools.1.new.url`, `newPool.name`) as mapped by `keyOf`:
// the form maps pool and replica indexes to ids that survive document changes (itemIds.ts), so a draft stays with its
// pool or replica when the text inserts, removes or reorders others. The form is rebuilt on every change of the
// document; each control starts from its draft when it has one. Pure: no DOM.

export class Drafts {
  private readonly values = new Map<string, string>();

  constructor(private readonly keyOf: (controlKey: string) => string = (key) => key) {}

  get(key: string): string | undefined {
    return this.values.get(this.keyOf(key));
  }

  set(key: string, value: string): void {
    this.values.set(this.keyOf(key), value);
  }

  delete(...keys: string[]): void {
    for (const key of keys) this.values.delete(this.keyOf(key));
  }

  get size(): number {
    return this.values.size;
  }

  /** Drops the drafts whose stored (mapped) key `keep` rejects, e.g. those of a pool no longer in the document. */
  retain(keep: (storedKey: string) => boolean): void {
    for (const key of [...this.values.keys()]) if (!keep(key)) this.values.delete(key);
  }
}
