// One recorder per client request: the only writer of what a request changes outside itself — replica stats, passive
// health, in-flight counts, active streams, request counters, the balancer's onStart/onFinish hooks and the finished
// RequestEvent (refusals included). The request path reports what happened; the recorder decides what it means.
import type { RequestEvent } from '../../core/protocol';
import type { Balancer, RoutedRequest } from '../balancer/types';
import type { TokenListener } from '../dialects/dialect';
import type { Logger } from '../log';
import type { Clock } from '../pool/clock';
import type { PoolRuntime } from '../pool/pool';
import type { Replica } from '../pool/replica';
import type { ActiveStream, ActiveStreams } from '../stats/activeStreams';
import type { RequestCounters } from '../stats/requestCounters';

export interface RecorderDeps {
  clock: Clock;
  logger: Logger;
  streams: ActiveStreams;
  counters: RequestCounters;
  nextId(): string;
  /** Every finished request, once, with the method it came with (for the access log). */
  onFinished(event: RequestEvent, method: string): void;
  /** A replica just got ejected by passive checks. */
  onEjected(pool: PoolRuntime, replica: Replica): void;
}

/** Why a request ended without a good answer, in the words of RequestEvent.error and the replica stats. */
export type FinishError = string | null;

export class RequestRecorder implements TokenListener {
  readonly id: string;
  readonly startedAt: number;
  private pool: PoolRuntime | null = null;
  private model: string | null = null;
  private stream = false;
  private routed: RoutedRequest | undefined;
  private bodyBytes = 0;
  attempts = 0;

  // The attempt under way (attempts run one after the other).
  private replica: Replica | null = null;
  private balancer: Balancer | null = null;
  private active: ActiveStream | null = null;
  private attemptStart = 0;
  private ttftMs: number | undefined;
  private lastTokenAt = -1;
  private streamedTokens = 0;
  private tokens = 0;
  private bytesReceived = 0;
  private finished = false;
  /** The id of the Response the answer created (Responses API), when it reported one. */
  responseId: string | undefined;
  /** The gateway user who sent the request (named users only). */
  user: string | undefined;
  /** Called at the request's first token (each attempt's; the listener keeps only the first): the users' gate. */
  onFirstToken: (() => void) | undefined;
  /** The status the client got, once finished. */
  status: number | null = null;

  constructor(
    private readonly deps: RecorderDeps,
    readonly method: string,
    readonly path: string,
  ) {
    this.id = deps.nextId();
    this.startedAt = deps.clock.now();
  }

  /** The pool and what the balancers know are settled; attempts may start. */
  routedTo(pool: PoolRuntime, model: string | null, stream: boolean, routed: RoutedRequest, bodyBytes: number): void {
    this.pool = pool;
    this.model = model;
    this.stream = stream;
    this.routed = routed;
    this.bodyBytes = bodyBytes;
  }

  /** Output tokens of the attempt that answered (0 before). */
  get answerTokens(): number {
    return this.attempts > 0 ? this.tokens : 0;
  }

  /** Bytes of the request body (an estimate of its prompt: ~4 bytes a token). */
  get requestBytes(): number {
    return this.bodyBytes;
  }

  get lastReplica(): Replica | null {
    return this.replica;
  }

  /** An attempt on `replica` starts: in flight, the balancer's onStart, an active stream. */
  attemptStarted(replica: Replica): void {
    const pool = this.pool!;
    this.attempts += 1;
    this.replica = replica;
    // The balancer that saw the start also sees the finish, even if the algorithm is switched meanwhile.
    this.balancer = pool.balancer;
    this.attemptStart = this.deps.clock.now();
    this.ttftMs = undefined;
    this.lastTokenAt = -1;
    this.streamedTokens = 0;
    this.tokens = 0;
    this.bytesReceived = 0;
    replica.inflight += 1;
    this.balancer.onStart?.(replica, this.routed!);
    this.active = this.deps.streams.add({
      id: this.id,
      pool: pool.name,
      replica: replica.name,
      model: this.model,
      path: this.path,
      startedAt: this.attemptStart,
      tokens: 0,
      firstTokenAt: null,
    });
  }

  /** The replica failed this attempt (connect, reset, timeout, a 5xx status): passive health counts it. */
  replicaFailed(message: string): void {
    const replica = this.replica!;
    if (replica.health.recordFailure(message)) {
      replica.stats.ejections += 1;
      this.deps.logger.warn(`replica ${replica.name} ejected`, {
        pool: this.pool!.name,
        reason: replica.health.reason(),
      });
      this.deps.onEjected(this.pool!, replica);
    }
  }

  /** The replica's answer broke off after its head went to the client. */
  failedMidResponse(message: string): void {
    this.deps.logger.warn('upstream failed mid-response', {
      id: this.id,
      pool: this.pool!.name,
      replica: this.replica!.name,
      reason: message,
    });
  }

  /** The replica answered with a status below 500. */
  replicaAnswered(): void {
    this.replica!.health.recordSuccess();
  }

  /**
   * Body bytes arrived from the replica. A non-streamed answer's first byte stands for its first token, unless the
   * request runs no prefill (count_tokens): its quick answer is no time to first token.
   */
  received(bytes: number, firstByteIsFirstToken: boolean): void {
    this.bytesReceived += bytes;
    if (firstByteIsFirstToken && this.ttftMs === undefined && this.routed?.fillsCache !== false) {
      this.ttftMs = this.deps.clock.now() - this.attemptStart;
      this.replica!.stats.recordTtft(this.ttftMs);
      this.onFirstToken?.();
    }
  }

  /** TokenListener: a streamed event carried `count` tokens at `at`. */
  /** The Responses stream tap (or the non-streamed body) named the response this request created. */
  onResponseId(id: string): void {
    this.responseId = id;
  }

  onTokens(count: number, at: number): void {
    const stats = this.replica!.stats;
    if (this.lastTokenAt < 0) {
      this.ttftMs = at - this.attemptStart;
      this.active!.firstTokenAt = at;
      stats.recordTtft(this.ttftMs);
      this.onFirstToken?.();
    } else {
      stats.recordGap(at - this.lastTokenAt);
    }
    this.lastTokenAt = at;
    this.streamedTokens += count;
    this.active!.tokens += count;
    stats.recordTokens(count);
  }

  /** The answer's output tokens as finally reported (usage), beyond those counted while streaming. */
  outputTokens(total: number): void {
    this.tokens = total;
    if (total > this.streamedTokens) this.replica!.stats.recordTokens(total - this.streamedTokens);
    this.active!.tokens = total;
  }

  /** The attempt ended: released, its balancer told, its figures recorded. `errorKind` null when it went well. */
  attemptEnded(ok: boolean, errorKind: string | null): void {
    const replica = this.replica!;
    replica.inflight = Math.max(0, replica.inflight - 1);
    this.deps.streams.remove(this.id);
    try {
      this.balancer!.onFinish?.(
        replica,
        this.routed!,
        this.ttftMs === undefined ? { ok } : { ok, ttftMs: this.ttftMs },
      );
    } catch (error) {
      this.deps.logger.error('balancer onFinish failed', { error: String(error) });
    }
    replica.stats.recordFinish({
      ok,
      durationMs: this.deps.clock.now() - this.attemptStart,
      tokens: this.tokens,
      bytesSent: this.bodyBytes,
      bytesReceived: this.bytesReceived,
      errorKind: errorKind ?? undefined,
      ttftMs: this.ttftMs,
    });
  }

  /** Another replica gets the request after `reason`. */
  retrying(reason: string): void {
    const replica = this.replica!;
    replica.stats.retries += 1;
    this.deps.counters.recordRetry(this.pool!.name);
    this.deps.logger.debug('retrying on another replica', {
      id: this.id,
      pool: this.pool!.name,
      replica: replica.name,
      reason,
    });
  }

  /** The request is over, as the client saw it: counted and reported once. */
  finish(status: number, error: FinishError): void {
    if (this.finished) return;
    this.finished = true;
    this.status = status;
    const pool = this.pool?.name ?? null;
    this.deps.counters.record(pool, status);
    const durationMs = this.deps.clock.now() - this.startedAt;
    const ttftMs = this.attempts > 0 && this.ttftMs !== undefined ? this.ttftMs : null;
    const tokens = this.attempts > 0 ? this.tokens : 0;
    this.deps.onFinished(
      {
        id: this.id,
        pool,
        replica: this.replica?.name ?? null,
        model: this.model,
        path: this.path,
        status,
        stream: this.stream,
        attempts: this.attempts,
        startedAt: this.startedAt,
        durationMs,
        ttftMs,
        tokens,
        tokensPerSecond:
          ttftMs !== null && durationMs > ttftMs ? Math.round((tokens / ((durationMs - ttftMs) / 1000)) * 10) / 10 : 0,
        bytes: this.attempts > 0 ? this.bytesReceived : 0,
        error,
        ...(this.user === undefined ? {} : { user: this.user }),
      },
      this.method,
    );
  }
}
