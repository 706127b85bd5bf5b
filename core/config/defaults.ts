// Every default of the config file, in one place (durations in ms, sizes in bytes). See CONTRACT.md.
import type { AlgorithmId } from '../protocol';

export const DEFAULTS = {
  listen: { host: '127.0.0.1', port: 8800 },
  algorithm: 'prefix-aware' as AlgorithmId,
  weight: 1,
  healthCheck: { enabled: true, path: '/health', interval: 5000, timeout: 2000, rise: 2, fall: 3 },
  maxFails: 3,
  failTimeout: 30_000,
  timeouts: { connect: 5000, firstByte: 300_000, idle: 3_600_000 },
  retries: 2,
  /** One request, all its attempts and waits together (a stream already answering is never cut by it). */
  deadline: 600_000,
  engineMetrics: { enabled: true, interval: 2000 },
  maxBodyBytes: 32 * 1024 * 1024,
  shutdownGrace: 30_000,
  /** The user name of requests authenticated by clientToken (or of every request when no token is configured). */
  anonymousUser: 'anonymous',
} as const;

/** Host names that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
