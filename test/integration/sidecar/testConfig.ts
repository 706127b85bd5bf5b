// Builds a validated-looking Config for tests, with short timers and every default filled in.
import type { Config, PoolConfig } from '../../../core/config/types';
import type { AlgorithmId } from '../../../core/protocol';
import { createLogger, type Logger } from '../../../sidecar/log';

export { waitFor } from '../../support/waitFor';

export function testPool(
  name: string,
  replicas: { url: string; name?: string; weight?: number; apiKey?: string }[],
  overrides: Partial<PoolConfig> = {},
): PoolConfig {
  return {
    name,
    algorithm: 'least-connections' as AlgorithmId,
    replicas: replicas.map((replica, i) => ({
      url: replica.url,
      name: replica.name ?? `r${i}`,
      weight: replica.weight ?? 1,
      ...(replica.apiKey ? { apiKey: replica.apiKey } : {}),
    })),
    healthCheck: { enabled: true, path: '/health', interval: 200, timeout: 2000, rise: 1, fall: 3 },
    maxFails: 3,
    failTimeout: 2000,
    timeouts: { connect: 1000, firstByte: 5000, idle: 5000 },
    retries: 2,
    deadline: 600_000,
    ...overrides,
  };
}

export function testConfig(pools: PoolConfig[], overrides: Partial<Config> = {}): Config {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    algorithm: 'least-connections',
    pools,
    engineMetrics: { enabled: true, interval: 200 },
    limits: { maxBodyBytes: 1024 * 1024 },
    shutdownGrace: 2000,
    allowedOrigins: [],
    admin: {},
    ...overrides,
  };
}

/** A logger that keeps its lines (for "no secret in logs" checks) and prints nothing. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }), lines };
}
