// One attempt: the request to one replica through the transport, and its answer passed to the client chunk by chunk
// as it arrives (a stream's events watched by the dialect's tap on the way). It writes no state itself: it tells
// the request's recorder what happened. Its result tells `forward` whether another replica may be tried.
import type { Dialect, StreamTap } from '../dialects/dialect';
import type { Clock } from '../pool/clock';
import type { Replica } from '../pool/replica';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers';
import type { RequestRecorder } from './recorder';
import { retryAfterMs } from './retryAfter';
import type { ResponseSink, SinkListener } from './sink';
import type { Transport, UpstreamControl, UpstreamReceiver } from './transport';
import { classifyUpstreamError, isRetryableKind, RETRYABLE_STATUSES, type UpstreamErrorKind } from './upstreamError';

/** Non-streamed bodies are kept up to this size to read their usage; larger ones are counted, not parsed. */
const USAGE_CAPTURE_LIMIT = 256 * 1024;
/** A refused answer (502/503/504 before a retry) is read up to this size so its connection can be reused. */
const DISCARD_LIMIT = 64 * 1024;
/** Answers up to this size with a content-length leave in one write (head and body together). */
const HOLD_LIMIT = 64 * 1024;

export type AttemptResult =
  | { kind: 'sent'; status: number; error: string | null }
  | {
      kind: 'retry';
      errorKind: UpstreamErrorKind | 'status';
      message: string;
      /** The replica answered 429 or 503: busy, not broken; `retryAfterMs` is how long it asked us to wait. */
      overloaded?: { status: number; retryAfterMs: number | undefined };
    }
  | { kind: 'failed'; errorKind: UpstreamErrorKind; message: string };

/** What every attempt of one request shares. */
export interface AttemptRequest {
  readonly method: string;
  readonly upstreamPath: string;
  /** The client's raw headers ([name, value, ...]). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer | undefined;
  readonly poolName: string;
  readonly timeouts: { readonly firstByte: number; readonly idle: number };
  readonly dialect: Dialect;
  readonly recorder: RequestRecorder;
  readonly sink: ResponseSink;
  /**
   * A 404 before anything was sent means "not on this replica, ask the next" (a stored Response that only the
   * replica which created it knows).
   */
  readonly notFoundMeansNext?: boolean;
  /** The pool this request fell back from (the answer says so in x-vllm-pools-fallback). */
  readonly fallbackFrom?: string;
  /**
   * The client's Authorization / x-api-key carry the sidecar's own token (clientToken or a user's): they are not
   * forwarded to the replica.
   */
  readonly clientCredentialsAreOurs?: boolean;
}

/** What the retry policy allows this attempt: another replica now, or a wait and another round. */
export interface AttemptLeeway {
  mayRetry: boolean;
  /** A 429/503 may be waited out (time is left before the deadline). */
  mayWait: boolean;
}

const CLIENT_GONE = 'client closed the connection';

function clientAbortError(): Error {
  const error = new Error(CLIENT_GONE);
  error.name = 'AbortError';
  return error;
}

export function runAttempt(
  transport: Transport,
  clock: Clock,
  request: AttemptRequest,
  replica: Replica,
  attemptNumber: number,
  leeway: AttemptLeeway,
): Promise<AttemptResult> {
  return new Promise((resolve) => new Attempt(transport, clock, request, replica, attemptNumber, leeway, resolve));
}

class Attempt implements UpstreamReceiver, SinkListener {
  private control: UpstreamControl | null = null;
  private status = 0;
  /** Set once the head went to the client. */
  private answering = false;
  /** A refused answer being read to its end (or its limit) after the attempt settled as a retry. */
  private discarding = 0;
  private settled = false;
  private tap: StreamTap | null = null;
  private captured: Buffer | Buffer[] | null = null;
  private capturedBytes = 0;

  constructor(
    transport: Transport,
    private readonly clock: Clock,
    private readonly request: AttemptRequest,
    private readonly replica: Replica,
    private readonly attemptNumber: number,
    private readonly leeway: AttemptLeeway,
    private readonly resolve: (result: AttemptResult) => void,
  ) {
    request.recorder.attemptStarted(replica);
    if (request.sink.gone) {
      this.end(false, 'client-abort', { kind: 'failed', errorKind: 'client-abort', message: CLIENT_GONE });
      return;
    }
    request.sink.listen(this);
    this.control = transport.send(
      replica,
      {
        method: request.method,
        path: request.upstreamPath,
        headers: upstreamRequestHeaders(
          request.rawHeaders,
          replica.authorization(),
          request.clientCredentialsAreOurs === true,
        ),
        body: request.body && request.body.length > 0 ? request.body : null,
        headersTimeout: request.timeouts.firstByte,
        bodyTimeout: request.timeouts.idle,
      },
      this,
    );
  }

  onHead(status: number, rawHeaders: Buffer[]): void {
    if (this.settled) return;
    const { recorder, sink, dialect } = this.request;
    this.status = status;
    if ((status === 429 || status === 503) && (this.leeway.mayRetry || this.leeway.mayWait)) {
      // Busy, not broken: a 429 is no failure of the replica; a 503 still counts towards passive ejection.
      if (status === 429) recorder.replicaAnswered();
      else recorder.replicaFailed(`HTTP ${status}`);
      this.discarding = 1;
      this.end(false, 'status', {
        kind: 'retry',
        errorKind: 'status',
        message: `replica ${this.replica.name} answered ${status}`,
        overloaded: { status, retryAfterMs: retryAfterMs(rawHeaders, this.clock.now()) },
      });
      return;
    }
    if (RETRYABLE_STATUSES.has(status)) {
      recorder.replicaFailed(`HTTP ${status}`);
      if (this.leeway.mayRetry) {
        // Read the (small) error body so the connection can be reused, but do not wait for it.
        this.discarding = 1;
        this.end(false, 'status', {
          kind: 'retry',
          errorKind: 'status',
          message: `replica ${this.replica.name} answered ${status}`,
        });
        return;
      }
    } else if (status === 404 && this.request.notFoundMeansNext && this.leeway.mayRetry) {
      recorder.replicaAnswered();
      this.discarding = 1;
      this.end(true, null, {
        kind: 'retry',
        errorKind: 'status',
        message: `replica ${this.replica.name} answered 404`,
      });
      return;
    } else if (status < 500) {
      recorder.replicaAnswered();
    } else {
      // Not retried (a 500 may be this request's own fault), but it counts towards passive ejection: a replica that
      // answers 500 to everything fails fast, and least-loaded algorithms would otherwise send it the most traffic.
      recorder.replicaFailed(`HTTP ${status}`);
    }
    const headers = clientResponseHeaders(rawHeaders);
    headers.list.push('x-vllm-pools-pool', this.request.poolName, 'x-vllm-pools-replica', this.replica.name);
    if (this.attemptNumber > 1) headers.list.push('x-vllm-pools-attempts', String(this.attemptNumber));
    if (this.request.fallbackFrom !== undefined) headers.list.push('x-vllm-pools-fallback', this.request.fallbackFrom);
    if (headers.eventStream) this.tap = dialect.streamTap(() => this.clock.now(), recorder);
    this.answering = true;
    sink.head(
      status,
      headers.list,
      headers.eventStream,
      !headers.eventStream && headers.contentLength >= 0 && headers.contentLength <= HOLD_LIMIT,
    );
  }

  onData(chunk: Buffer): boolean {
    if (this.discarding > 0) {
      this.discarding += chunk.length;
      if (this.discarding > DISCARD_LIMIT) this.control?.abort(new Error('refused answer too long to drain'));
      return true;
    }
    if (this.settled) return true;
    this.request.recorder.received(chunk.length, this.tap === null);
    if (this.tap) this.tap.push(chunk);
    else this.capture(chunk);
    return this.request.sink.write(chunk);
  }

  onEnd(): void {
    if (this.settled) return;
    this.request.sink.end();
    this.request.recorder.outputTokens(this.tap ? this.tap.outputTokens() : (this.usageTokens() ?? 0));
    const ok = this.status < 500;
    this.end(ok, ok ? null : 'status', { kind: 'sent', status: this.status, error: ok ? null : 'status' });
  }

  onError(error: Error): void {
    if (this.settled) return;
    const { recorder, sink } = this.request;
    const { kind, message } = classifyUpstreamError(error);
    if (kind === 'client-abort' || sink.gone) {
      if (this.answering) {
        sink.destroy();
        this.end(false, 'client-abort', { kind: 'sent', status: this.status, error: 'client-abort' });
      } else {
        this.end(false, 'client-abort', { kind: 'failed', errorKind: 'client-abort', message });
      }
      return;
    }
    recorder.replicaFailed(message);
    if (!this.answering) {
      const retry = this.leeway.mayRetry && isRetryableKind(kind);
      this.end(
        false,
        kind,
        retry ? { kind: 'retry', errorKind: kind, message } : { kind: 'failed', errorKind: kind, message },
      );
      return;
    }
    recorder.failedMidResponse(message);
    if (this.tap) {
      const tail = this.request.dialect.streamFailureTail(`replica ${this.replica.name} failed mid-stream: ${message}`);
      sink.end(this.tap.atBoundary ? tail : `\n\n${tail}`);
    } else {
      sink.destroy();
    }
    this.end(false, kind, { kind: 'sent', status: this.status, error: kind });
  }

  onClientGone(): void {
    this.control?.abort(clientAbortError());
  }

  onDrain(): void {
    this.control?.resume();
  }

  private end(ok: boolean, errorKind: string | null, result: AttemptResult): void {
    this.settled = true;
    this.request.sink.listen(null);
    this.request.recorder.attemptEnded(ok, errorKind);
    this.resolve(result);
  }

  private capture(chunk: Buffer): void {
    if (this.capturedBytes + chunk.length > USAGE_CAPTURE_LIMIT) return;
    this.capturedBytes += chunk.length;
    if (this.captured === null) this.captured = chunk;
    else if (Array.isArray(this.captured)) this.captured.push(chunk);
    else this.captured = [this.captured, chunk];
  }

  /** Output tokens of a non-streamed answer, from its usage; no JSON parse when the dialect can read it raw. */
  private usageTokens(): number | null {
    if (this.captured === null) return null;
    const body = Array.isArray(this.captured) ? Buffer.concat(this.captured, this.capturedBytes) : this.captured;
    const dialect = this.request.dialect;
    if (dialect.usageTokensOfText && !dialect.createdId) return dialect.usageTokensOfText(body);
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      const created = dialect.createdId?.(parsed);
      if (created !== undefined) this.request.recorder.onResponseId(created);
      return dialect.usageTokens(parsed);
    } catch {
      return null;
    }
  }
}
