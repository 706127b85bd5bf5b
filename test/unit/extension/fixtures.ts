// A state snapshot shaped like the sidecar's, for tests of the extension's logic.
import type { ReplicaState, StateSnapshot } from '../../../core/protocol';

export function replica(overrides: Partial<ReplicaState> = {}): ReplicaState {
  return {
    name: 'gpu-a',
    url: 'http://10.0.0.10:8000',
    weight: 1,
    state: 'healthy',
    reason: null,
    lastError: null,
    ejectedUntil: null,
    models: ['meta-llama/Llama-3.1-8B-Instruct'],
    inflight: 2,
    requests: 118,
    errors: 1,
    errorsByKind: {},
    retries: 0,
    ejections: 0,
    bytesSent: 0,
    bytesReceived: 0,
    requestsPerSecond: 1.5,
    errorRate: 0,
    ttftMs: { p50: 82.4, p95: 240, p99: 300 },
    itlMs: null,
    tokensPerSecond: 311.5,
    engine: null,
    ...overrides,
  };
}

export function snapshot(): StateSnapshot {
  return {
    version: '0.1.0',
    algorithm: 'least-connections',
    endpoint: 'http://127.0.0.1:8800/v1',
    configPath: '/ws/vllm-pools.yaml',
    startedAt: 1_700_000_000_000,
    now: 1_700_000_060_000,
    pools: [
      {
        name: 'llama-8b',
        algorithm: 'prefix-aware',
        models: ['meta-llama/Llama-3.1-8B-Instruct'],
        healthy: 1,
        total: 2,
        replicas: [
          replica(),
          replica({
            name: 'gpu-b',
            url: 'http://10.0.0.11:8000',
            state: 'unhealthy',
            inflight: 0,
            ttftMs: null,
            tokensPerSecond: 0,
            lastError: 'connect ECONNREFUSED 10.0.0.11:8000',
            reason: '3 failures in 30s',
            ejectedUntil: 1_700_000_080_000,
          }),
        ],
      },
      {
        name: 'qwen',
        algorithm: 'least-connections',
        models: ['Qwen/Qwen2.5-7B'],
        healthy: 1,
        total: 1,
        replicas: [replica({ name: 'q1', url: 'http://10.0.1.1:8000', models: ['Qwen/Qwen2.5-7B'], inflight: 0 })],
      },
    ],
    streams: [],
  };
}
