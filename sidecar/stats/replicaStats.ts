// The figures kept per replica: counters, sliding-window percentiles and rates, Prometheus histograms.
// Every structure is fixed-size, so memory does not grow with traffic.
import type { Clock } from '../pool/clock';
import { CumulativeHistogram, GAP_BOUNDS_S, LATENCY_BOUNDS_S } from './cumulativeHistogram';
import { SlidingCounter } from './slidingCounter';
import { SlidingHistogram } from './slidingHistogram';

/** How fast the moving average of time to first token follows new samples. */
const TTFT_EWMA_ALPHA = 0.3;

export interface FinishedAttempt {
  ok: boolean;
  /** Error kind when not ok: connect, timeout, reset, status, idle-timeout, client-abort... */
  errorKind?: string;
  durationMs: number;
  ttftMs?: number;
  tokens: number;
  bytesSent: number;
  bytesReceived: number;
}

export class ReplicaStats {
  requests = 0;
  errors = 0;
  readonly errorsByKind = new Map<string, number>();
  retries = 0;
  ejections = 0;
  bytesSent = 0;
  bytesReceived = 0;
  tokens = 0;
  ttftEwmaMs: number | undefined;

  readonly ttft: SlidingHistogram;
  readonly itl: SlidingHistogram;
  readonly ttftSeconds = new CumulativeHistogram(LATENCY_BOUNDS_S);
  readonly itlSeconds = new CumulativeHistogram(GAP_BOUNDS_S);
  readonly durationSeconds = new CumulativeHistogram(LATENCY_BOUNDS_S);
  private readonly requestRate: SlidingCounter;
  private readonly errorRateWindow: SlidingCounter;
  private readonly tokenRate: SlidingCounter;

  constructor(clock: Clock) {
    this.ttft = new SlidingHistogram(clock);
    this.itl = new SlidingHistogram(clock);
    this.requestRate = new SlidingCounter(clock);
    this.errorRateWindow = new SlidingCounter(clock);
    this.tokenRate = new SlidingCounter(clock);
  }

  recordGap(gapMs: number): void {
    this.itl.record(gapMs);
    this.itlSeconds.record(gapMs / 1000);
  }

  recordTokens(count: number): void {
    if (count <= 0) return;
    this.tokens += count;
    this.tokenRate.add(count);
  }

  recordTtft(ttftMs: number): void {
    this.ttft.record(ttftMs);
    this.ttftSeconds.record(ttftMs / 1000);
    this.ttftEwmaMs =
      this.ttftEwmaMs === undefined ? ttftMs : this.ttftEwmaMs + TTFT_EWMA_ALPHA * (ttftMs - this.ttftEwmaMs);
  }

  /** One attempt against this replica ended. Tokens and gaps are recorded as they stream, not here. */
  recordFinish(attempt: FinishedAttempt): void {
    this.requests += 1;
    this.requestRate.add();
    this.bytesSent += attempt.bytesSent;
    this.bytesReceived += attempt.bytesReceived;
    this.durationSeconds.record(attempt.durationMs / 1000);
    if (attempt.errorKind === 'client-abort') {
      // The client's choice, not the replica's failure: counted by kind, not as an error.
      this.errorsByKind.set('client-abort', (this.errorsByKind.get('client-abort') ?? 0) + 1);
    } else if (!attempt.ok) {
      this.errors += 1;
      this.errorRateWindow.add();
      const kind = attempt.errorKind ?? 'unknown';
      this.errorsByKind.set(kind, (this.errorsByKind.get(kind) ?? 0) + 1);
    }
  }

  requestsPerSecond(): number {
    return this.requestRate.ratePerSecond();
  }

  tokensPerSecond(): number {
    return this.tokenRate.ratePerSecond();
  }

  /** Errors per request over the rate window, 0 when idle. */
  errorRate(): number {
    const requests = this.requestRate.ratePerSecond();
    return requests > 0 ? Math.min(1, Math.round((this.errorRateWindow.ratePerSecond() / requests) * 1000) / 1000) : 0;
  }
}
