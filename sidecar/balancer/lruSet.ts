// A bounded set of numbers with least-recently-used eviction (a Map keeps insertion order; touching re-inserts).
export class LruSet {
  private readonly entries = new Map<number, true>();

  constructor(private limit: number) {}

  get capacity(): number {
    return this.limit;
  }

  /** Changes the capacity; shrinking evicts the least recently used keys beyond it. */
  resize(capacity: number): void {
    this.limit = Math.max(1, Math.floor(capacity));
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: number): boolean {
    return this.entries.has(key);
  }

  /** Adds or refreshes `key` as the most recently used; evicts the least recently used beyond capacity. */
  touch(key: number): void {
    if (this.entries.has(key)) this.entries.delete(key);
    else if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, true);
  }

  clear(): void {
    this.entries.clear();
  }
}
