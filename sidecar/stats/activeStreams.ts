// Requests in flight, for the state snapshot. An entry lives exactly as long as its request, so the map is bounded by
// concurrency, not by traffic.
import type { StreamState } from '../../core/protocol';

export interface ActiveStream {
  id: string;
  pool: string;
  replica: string;
  model: string | null;
  path: string;
  startedAt: number;
  tokens: number;
  firstTokenAt: number | null;
}

export class ActiveStreams {
  private readonly entries = new Map<string, ActiveStream>();

  add(stream: ActiveStream): ActiveStream {
    this.entries.set(stream.id, stream);
    return stream;
  }

  remove(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  snapshot(now: number): StreamState[] {
    return [...this.entries.values()].map((stream) => {
      const ageMs = Math.max(0, now - stream.startedAt);
      const generating = stream.firstTokenAt === null ? 0 : Math.max(1, now - stream.firstTokenAt);
      return {
        id: stream.id,
        pool: stream.pool,
        replica: stream.replica,
        model: stream.model,
        path: stream.path,
        startedAt: stream.startedAt,
        ageMs,
        tokens: stream.tokens,
        tokensPerSecond: generating > 0 ? Math.round((stream.tokens / generating) * 10_000) / 10 : 0,
        ttftMs: stream.firstTokenAt === null ? null : stream.firstTokenAt - stream.startedAt,
      };
    });
  }
}
