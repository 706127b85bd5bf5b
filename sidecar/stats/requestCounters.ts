// Finished requests per pool and status as the client saw them (including the sidecar's own 4xx/5xx), and
// retries per pool. Keys are bounded by pools × status codes.

export class RequestCounters {
  readonly byPoolStatus = new Map<string, { pool: string; status: number; count: number }>();
  readonly retriesByPool = new Map<string, number>();

  record(pool: string | null, status: number): void {
    const name = pool ?? '';
    const key = `${name}\u0000${status}`;
    const entry = this.byPoolStatus.get(key);
    if (entry) entry.count += 1;
    else this.byPoolStatus.set(key, { pool: name, status, count: 1 });
  }

  recordRetry(pool: string): void {
    this.retriesByPool.set(pool, (this.retriesByPool.get(pool) ?? 0) + 1);
  }
}
