// Fakes for driving the request path without sockets: a transport whose replicas are scripts, a response sink that
// keeps what it was given, and a recorder wired to in-memory stats.
import type { PoolConfig } from '../../../core/config/types';
import type { RequestEvent } from '../../../core/protocol';
import type { Balancer, RoutedRequest } from '../../../sidecar/balancer/types';
import type { Dialect } from '../../../sidecar/dialects/dialect';
import { openaiDialect } from '../../../sidecar/dialects/openai';
import { createLogger } from '../../../sidecar/log';
import { PoolRuntime } from '../../../sidecar/pool/pool';
import type { Replica } from '../../../sidecar/pool/replica';
import type { ForwardRequest } from '../../../sidecar/proxy/forward';
import { RequestRecorder } from '../../../sidecar/proxy/recorder';
import type { ResponseSink, SinkListener } from '../../../sidecar/proxy/sink';
import type { Transport, UpstreamCall, UpstreamControl, UpstreamReceiver } from '../../../sidecar/proxy/transport';
import { ActiveStreams } from '../../../sidecar/stats/activeStreams';
import { RequestCounters } from '../../../sidecar/stats/requestCounters';

export class FakeClock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

export class FakeSink implements ResponseSink {
  headersSent = false;
  gone = false;
  status = 0;
  headers: string[] = [];
  flushed = false;
  chunks: string[] = [];
  ended = false;
  destroyed = false;
  /** write() answers this (false: the client's buffer is full). */
  writable = true;
  listener: SinkListener | null = null;

  listen(listener: SinkListener | null): void {
    this.listener = listener;
  }
  head(status: number, headers: string[], flush: boolean): void {
    this.headersSent = true;
    this.status = status;
    this.headers = headers;
    this.flushed = flush;
  }
  write(chunk: Uint8Array): boolean {
    this.chunks.push(Buffer.from(chunk).toString('utf8'));
    return this.writable;
  }
  end(text?: string): void {
    if (text !== undefined) this.chunks.push(text);
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** The client goes away (as node:http's 'close' before the answer ended). */
  leave(): void {
    this.gone = true;
    this.listener?.onClientGone();
  }
  header(name: string): string | undefined {
    for (let i = 0; i < this.headers.length; i += 2) if (this.headers[i] === name) return this.headers[i + 1];
    return undefined;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

/** One exchange as the fake replica sees it. */
export interface FakeExchange {
  replica: string;
  call: UpstreamCall;
  receiver: UpstreamReceiver;
  aborted: Error | null;
  resumed: number;
}

export type ReplicaScript = (exchange: FakeExchange) => void;

export class FakeTransport implements Transport {
  readonly exchanges: FakeExchange[] = [];
  constructor(private readonly scripts: Record<string, ReplicaScript>) {}

  send(replica: Replica, call: UpstreamCall, receiver: UpstreamReceiver): UpstreamControl {
    const exchange: FakeExchange = { replica: replica.name, call, receiver, aborted: null, resumed: 0 };
    this.exchanges.push(exchange);
    const script = this.scripts[replica.name];
    if (!script) throw new Error(`no script for ${replica.name}`);
    queueMicrotask(() => script(exchange));
    return {
      abort(reason) {
        if (exchange.aborted) return;
        exchange.aborted = reason;
        queueMicrotask(() => receiver.onError(reason));
      },
      resume() {
        exchange.resumed += 1;
      },
    };
  }
}

export const raw = (...pairs: string[]): Buffer[] => pairs.map((value) => Buffer.from(value));

/** Answers `status` with a JSON body at once. */
export function answers(status: number, body = '{"usage":{"completion_tokens":3}}'): ReplicaScript {
  return ({ receiver }) => {
    receiver.onHead(status, raw('content-type', 'application/json', 'content-length', String(body.length)));
    receiver.onData(Buffer.from(body));
    receiver.onEnd();
  };
}

/** Fails before the head with an error carrying `code`. */
export function fails(code: string): ReplicaScript {
  return ({ receiver }) => receiver.onError(Object.assign(new Error(code), { code }));
}

export function sse(...contents: string[]): string[] {
  return [
    ...contents.map((content) => `data: {"choices":[{"index":0,"delta":{"content":"${content}"}}]}\n\n`),
    'data: [DONE]\n\n',
  ];
}

export interface Harness {
  pool: PoolRuntime;
  clock: FakeClock;
  sink: FakeSink;
  transport: FakeTransport;
  recorder: RequestRecorder;
  events: RequestEvent[];
  counters: RequestCounters;
  streams: ActiveStreams;
  hooks: string[];
  logLines: string[];
  request: ForwardRequest;
  replica(name: string): Replica;
}

export function harness(
  replicas: string[],
  scripts: Record<string, ReplicaScript>,
  pool: Partial<PoolConfig> = {},
  dialect: Dialect = openaiDialect,
): Harness {
  const clock = new FakeClock();
  const config: PoolConfig = {
    name: 'p',
    algorithm: 'round-robin',
    replicas: replicas.map((name, i) => ({ name, url: `http://127.0.0.1:${9 + i}`, weight: 1 })),
    healthCheck: { enabled: false, path: '/health', interval: 5000, timeout: 1000, rise: 1, fall: 1 },
    maxFails: 3,
    failTimeout: 10_000,
    timeouts: { connect: 1000, firstByte: 2000, idle: 3000 },
    retries: 2,
    deadline: 600_000,
    ...pool,
  };
  const runtime = new PoolRuntime(config, 0, { random: () => 0, now: () => clock.now(), engineStaleAfterMs: 1 }, clock);
  const hooks: string[] = [];
  const inner = runtime.balancer;
  const spy: Balancer = {
    id: inner.id,
    pick: (candidates, request) => inner.pick(candidates, request),
    onStart(replica, request) {
      hooks.push(`start ${replica.name}`);
      inner.onStart?.(replica, request);
    },
    onFinish(replica, request, outcome) {
      hooks.push(`finish ${replica.name} ${outcome.ok}`);
      inner.onFinish?.(replica, request, outcome);
    },
  };
  runtime.balancer = spy;
  const events: RequestEvent[] = [];
  const counters = new RequestCounters();
  const streams = new ActiveStreams();
  const logLines: string[] = [];
  let next = 0;
  const recorder = new RequestRecorder(
    {
      clock,
      logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
      streams,
      counters,
      nextId: () => `req-${++next}`,
      onFinished: (event) => events.push(event),
      onEjected: () => undefined,
    },
    'POST',
    '/v1/chat/completions',
  );
  const routed: RoutedRequest = { model: 'm', sessionKey: undefined, promptText: 'hi', cacheSalt: undefined };
  const body = Buffer.from('{"model":"m"}');
  recorder.routedTo(runtime, 'm', true, routed, body.length);
  const sink = new FakeSink();
  const transport = new FakeTransport(scripts);
  return {
    pool: runtime,
    clock,
    sink,
    transport,
    recorder,
    events,
    counters,
    streams,
    hooks,
    logLines,
    request: {
      pool: runtime,
      routed,
      method: 'POST',
      upstreamPath: '/v1/chat/completions',
      rawHeaders: ['Content-Type', 'application/json', 'Authorization', 'Bearer client', 'Connection', 'keep-alive'],
      body,
      poolName: runtime.name,
      timeouts: config.timeouts,
      dialect,
      recorder,
      sink,
    },
    replica: (name) => runtime.replicas.find((replica) => replica.name === name)!,
  };
}
