// A realistic, deterministic recording of what /admin/events sends: one state snapshot a second and the request
// events between them, for two pools (one replica drained by hand, one failing its health checks).

import type {
  PoolState,
  ReplicaHealth,
  ReplicaState,
  RequestEvent,
  StateSnapshot,
  StreamState,
} from '../../../core/protocol';
import { seededRandom } from '../../../sim/hash';

export interface RecordedEvent {
  event: 'state' | 'request';
  data: StateSnapshot | RequestEvent;
}

export interface FixtureOptions {
  /** Epoch ms of the last snapshot. */
  end?: number;
  seconds?: number;
  /** Active streams in the last snapshot. */
  streams?: number;
}

interface ReplicaPlan {
  pool: string;
  name: string;
  url: string;
  state: ReplicaHealth;
  reason: string | null;
  lastError: string | null;
  /** Share of its pool's traffic. */
  share: number;
  ttftBase: number;
  tokensPerSecond: number;
  engine: boolean;
}

const PLANS: ReplicaPlan[] = [
  plan('llama-8b', 'gpu-a', 'http://10.0.0.10:8000', 'healthy', null, null, 0.5, 82, 62, true),
  plan('llama-8b', 'gpu-b', 'http://10.0.0.11:8000', 'draining', 'drained by admin', null, 0.3, 118, 55, true),
  plan(
    'llama-8b',
    'gpu-c',
    'http://10.0.0.12:8000',
    'unhealthy',
    '3 failures in 30s',
    'health check: connect ECONNREFUSED 10.0.0.12:8000',
    0,
    0,
    0,
    false,
  ),
  plan('qwen-coder', 'coder-1', 'http://10.0.1.20:8000', 'healthy', null, null, 0.55, 140, 48, true),
  plan('qwen-coder', 'coder-2', 'http://10.0.1.21:8000', 'healthy', null, null, 0.45, 165, 44, true),
];

const POOLS = [
  { name: 'llama-8b', algorithm: 'prefix-aware', models: ['meta-llama/Llama-3.1-8B-Instruct'], rps: 3.2 },
  { name: 'qwen-coder', algorithm: 'least-connections', models: ['Qwen/Qwen2.5-Coder-7B-Instruct'], rps: 1.6 },
] as const;

export const FIXTURE_END = Date.UTC(2026, 10, 25, 14, 30, 0);

export function recordFixture(options: FixtureOptions = {}): RecordedEvent[] {
  const end = options.end ?? FIXTURE_END;
  const seconds = options.seconds ?? 180;
  const streamCount = options.streams ?? 12;
  const random = seededRandom(7);
  const startedAt = end - 42 * 60_000;
  const totals = new Map<string, { requests: number; errors: number; retries: number }>();
  const events: RecordedEvent[] = [];
  let requestId = 0;

  for (let second = seconds - 1; second >= 0; second--) {
    const now = end - second * 1000;
    const wave = 1 + 0.35 * Math.sin((now / 1000) * 0.07) + 0.15 * Math.sin((now / 1000) * 0.23);
    const pools: PoolState[] = POOLS.map((pool) => {
      const replicas = PLANS.filter((p) => p.pool === pool.name).map((p): ReplicaState => {
        const total = totals.get(p.name) ?? { requests: 1000 + Math.round(p.share * 800), errors: 0, retries: 0 };
        const rps = p.state === 'healthy' ? pool.rps * p.share * wave * (0.85 + 0.3 * random()) : 0;
        const arrived = Math.round(rps + random() * 0.5);
        total.requests += arrived;
        if (random() < 0.02) total.errors += 1;
        if (random() < 0.01) total.retries += 1;
        totals.set(p.name, total);
        for (let i = 0; i < arrived && second < 25; i++) {
          events.push({ event: 'request', data: requestEvent(p, pool.models[0], now, ++requestId, random) });
        }
        const inflight =
          p.state === 'unhealthy' ? 0 : p.state === 'draining' ? 1 : Math.max(0, Math.round(rps * 2.4 + random()));
        const ttftP50 = p.ttftBase * (0.9 + 0.25 * wave);
        return {
          name: p.name,
          url: p.url,
          weight: 1,
          state: p.state,
          reason: p.reason,
          lastError: p.lastError,
          ejectedUntil: p.state === 'unhealthy' ? now + 18_000 : null,
          models: [pool.models[0]],
          inflight,
          requests: total.requests,
          errors: total.errors,
          errorsByKind: total.errors > 0 ? { status: total.errors } : {},
          retries: total.retries,
          ejections: p.state === 'unhealthy' ? 1 : 0,
          bytesSent: total.requests * 2200,
          bytesReceived: total.requests * 5400,
          requestsPerSecond: round(rps, 2),
          errorRate: p.state === 'unhealthy' ? 1 : round(total.errors / Math.max(1, total.requests), 4),
          ttftMs:
            p.ttftBase > 0
              ? { p50: round(ttftP50, 0), p95: round(ttftP50 * 2.9, 0), p99: round(ttftP50 * 4.1, 0) }
              : null,
          itlMs:
            p.tokensPerSecond > 0
              ? {
                  p50: round(1000 / p.tokensPerSecond, 1),
                  p95: round(2600 / p.tokensPerSecond, 1),
                  p99: round(4000 / p.tokensPerSecond, 1),
                }
              : null,
          tokensPerSecond: round(p.tokensPerSecond * Math.max(inflight, 0) * (0.9 + 0.2 * random()), 1),
          engine: p.engine
            ? {
                running: inflight,
                waiting: Math.max(0, inflight - 6),
                kvCacheUsage: round(Math.min(0.97, 0.12 + inflight * 0.07 + 0.05 * random()), 3),
                prefixCacheHitRate:
                  pool.algorithm === 'prefix-aware' ? round(0.62 + 0.1 * random(), 3) : round(0.21 + 0.1 * random(), 3),
                scrapedAt: now - 400,
                stale: false,
                ...(p.name === 'gpu-a' ? { lora: { running: ['sql-lora'], waiting: ['py-lora'], maxLora: 2 } } : {}),
              }
            : null,
        };
      });
      const healthy = replicas.filter((r) => r.state === 'healthy').length;
      return {
        name: pool.name,
        algorithm: pool.algorithm,
        models: [...pool.models],
        healthy,
        total: replicas.length,
        replicas,
      };
    });
    events.push({
      event: 'state',
      data: {
        version: '0.1.0',
        algorithm: 'least-connections',
        endpoint: 'http://127.0.0.1:8800/v1',
        configPath: '/home/dev/project/vllm-pools.yaml',
        startedAt,
        now,
        pools,
        streams: second === 0 ? streams(streamCount, now, random) : streams(Math.min(streamCount, 6), now, random),
      },
    });
  }
  return events;
}

/** The last snapshot of a recording. */
export function lastSnapshot(events: RecordedEvent[]): StateSnapshot {
  const states = events.filter((e) => e.event === 'state');
  return states[states.length - 1]!.data as StateSnapshot;
}

export function requestEvents(events: RecordedEvent[]): RequestEvent[] {
  return events.filter((e) => e.event === 'request').map((e) => e.data as RequestEvent);
}

function streams(count: number, now: number, random: () => number): StreamState[] {
  const live = PLANS.filter((p) => p.state !== 'unhealthy');
  return Array.from({ length: count }, (_, index) => {
    const p = live[index % live.length]!;
    const model = POOLS.find((pool) => pool.name === p.pool)!.models[0];
    const ageMs = 300 + ((index * 7919) % 41_000);
    const ttftMs = ageMs < 400 ? null : round(p.ttftBase * (0.8 + random()), 0);
    const tokens = ttftMs === null ? 0 : Math.round(((ageMs - ttftMs) / 1000) * p.tokensPerSecond);
    return {
      id: `req-${(1000 + index).toString(36)}`,
      pool: p.pool,
      replica: p.name,
      model,
      path: '/v1/chat/completions',
      startedAt: now - ageMs,
      ageMs,
      tokens,
      tokensPerSecond: ttftMs === null ? 0 : round(p.tokensPerSecond * (0.85 + 0.3 * random()), 1),
      ttftMs,
    };
  });
}

function requestEvent(p: ReplicaPlan, model: string, now: number, id: number, random: () => number): RequestEvent {
  const failed = id % 17 === 0;
  const retried = id % 11 === 0;
  const tokens = failed ? 0 : 40 + Math.round(random() * 600);
  const ttftMs = failed ? null : round(p.ttftBase * (0.7 + random()), 0);
  const durationMs = failed
    ? 30 + Math.round(random() * 40)
    : (ttftMs ?? 0) + Math.round((tokens / p.tokensPerSecond) * 1000);
  return {
    id: `done-${id}`,
    pool: p.pool,
    replica: p.name,
    model,
    path: '/v1/chat/completions',
    status: failed ? 502 : 200,
    stream: true,
    attempts: retried ? 2 : 1,
    startedAt: now - durationMs,
    durationMs,
    ttftMs,
    tokens,
    tokensPerSecond: failed ? 0 : round(tokens / Math.max(0.001, (durationMs - (ttftMs ?? 0)) / 1000), 1),
    bytes: tokens * 9,
    error: failed ? 'reset' : null,
  };
}

function plan(
  pool: string,
  name: string,
  url: string,
  state: ReplicaHealth,
  reason: string | null,
  lastError: string | null,
  share: number,
  ttftBase: number,
  tokensPerSecond: number,
  engine: boolean,
): ReplicaPlan {
  return { pool, name, url, state, reason, lastError, share, ttftBase, tokensPerSecond, engine };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
