// startSidecar: the whole sidecar in one call (server, pools, health, stats, admin). `serve`, the demo, the
// benchmarks and the tests all start it this way.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { adminTokenInForce } from '../core/config/adminToken';
import { isLoopbackHost } from '../core/config/defaults';
import { loadConfigFile } from '../core/config/load';
import { type Config, formatIssue } from '../core/config/types';
import type { AlgorithmId, ReloadResult, RequestEvent, StateSnapshot } from '../core/protocol';
import type { AdminControl } from './admin/adminRoutes';
import { EventHub } from './admin/eventStream';
import { defaultBalancerContext } from './balancer/registry';
import type { BalancerContext } from './balancer/types';
import { accessEntry, createLogger, type Logger, redact } from './log';
import { type Clock, systemClock } from './pool/clock';
import { Fleet } from './pool/fleet';
import type { ProxyDeps } from './proxy/proxyRoute';
import { ResponseAffinity } from './proxy/responseAffinity';
import { socketTransport } from './proxy/socketTransport';
import { undiciTransport } from './proxy/transport';
import { createSidecarServer } from './server';
import { ActiveStreams } from './stats/activeStreams';
import { renderMetrics } from './stats/prometheus';
import { RequestCounters } from './stats/requestCounters';
import { buildSnapshot } from './stats/snapshot';
import { GatewayUsers } from './users/gatewayUsers';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

/** How long start-up waits for replicas to report their models (pools without `models`). */
const INITIAL_MODELS_WAIT_MS = 2000;

export interface StartSidecarOptions {
  config: Config;
  /** The file `reload()` re-reads; defaults to config.file. */
  configPath?: string;
  /** Override config.listen. */
  host?: string;
  port?: number;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  balancerContext?: BalancerContext;
  /** One `info` line per finished request (default true; `serve --no-access-log` turns it off). */
  accessLog?: boolean;
  /**
   * The upstream transport: undici's pool, or the lean node:net one (socketTransport.ts). Default: the environment's
   * VLLM_POOLS_TRANSPORT (`socket` or `undici`), else undici.
   */
  transport?: 'undici' | 'socket';
}

export interface RunningSidecar {
  /** http://HOST:PORT */
  url: string;
  host: string;
  port: number;
  config(): Config;
  state(): StateSnapshot;
  metrics(): string;
  reload(): Promise<ReloadResult>;
  setAlgorithm(algorithm: AlgorithmId, pool?: string): boolean;
  /** Called for every finished request; returns an unsubscribe function. */
  onRequest(listener: (event: RequestEvent) => void): () => void;
  /** Requests in flight to replicas. */
  inflight(): number;
  /** Stop accepting, let in-flight requests finish for up to graceMs (default config.shutdownGrace), then close. */
  close(graceMs?: number): Promise<void>;
}

export async function startSidecar(options: StartSidecarOptions): Promise<RunningSidecar> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger({ level: 'info' });
  const clock = options.clock ?? systemClock;
  const balancerContext = options.balancerContext ?? defaultBalancerContext(options.config.engineMetrics.interval);
  const configPath = options.configPath ?? options.config.file;
  let config = options.config;
  const startedAt = clock.now();
  const fleet = new Fleet(config, balancerContext, clock, logger);
  let users = gatewayUsersFor(config, undefined, fleet, clock);
  const streams = new ActiveStreams();
  const counters = new RequestCounters();
  const listeners = new Set<(event: RequestEvent) => void>();
  let closing = false;
  let endpoint = '';
  let idCounter = 0;
  const idPrefix = randomBytes(4).toString('hex');

  const adminToken = () => adminTokenInForce(config.admin.token, env);
  redact(adminToken());
  redact(config.clientToken);
  for (const pool of config.pools) for (const replica of pool.replicas) redact(replica.apiKey);

  const snapshot = (): StateSnapshot =>
    buildSnapshot({
      version: VERSION,
      endpoint,
      configPath: configPath ?? null,
      startedAt,
      now: clock.now(),
      fleet,
      streams,
      users: users?.snapshot(),
    });
  const events = new EventHub(snapshot);

  const accessLog = options.accessLog !== false;
  const proxyDeps: ProxyDeps = {
    clock,
    transport:
      (options.transport ?? process.env['VLLM_POOLS_TRANSPORT']) === 'socket' ? socketTransport : undiciTransport,
    responses: new ResponseAffinity(),
    users: () => users,
    aliases: () => config.aliases,
    checksClientToken: () => Boolean(config.clientToken) || (config.users?.length ?? 0) > 0,
    recorder: {
      clock,
      logger,
      streams,
      counters,
      nextId: () => `req-${idPrefix}-${(++idCounter).toString(36)}`,
      onFinished(event, method) {
        if (accessLog) logger.access?.(accessEntry(event, method));
        events.request(event);
        for (const listener of listeners) listener(event);
      },
      onEjected(_pool, replica) {
        logger.debug('replica ejected', { replica: replica.name });
      },
    },
  };

  const reload = async (): Promise<ReloadResult> => {
    if (!configPath) return { ok: false, errors: ['the sidecar was started without a config file; nothing to reload'] };
    const result = loadConfigFile(configPath, env);
    const errors = result.issues.filter((issue) => issue.severity === 'error').map(formatIssue);
    if (!result.config || errors.length > 0) {
      logger.warn('reload rejected; the running config stays', { errors });
      return { ok: false, errors };
    }
    for (const warning of result.issues.filter((issue) => issue.severity === 'warning'))
      logger.warn(formatIssue(warning));
    const next = result.config;
    if (next.listen.host !== config.listen.host || next.listen.port !== config.listen.port) {
      logger.warn('listen address changes take effect on restart only');
    }
    for (const pool of next.pools) for (const replica of pool.replicas) redact(replica.apiKey);
    redact(next.clientToken);
    redact(next.admin.token);
    if (!options.balancerContext) {
      balancerContext.engineStaleAfterMs = defaultBalancerContext(next.engineMetrics.interval).engineStaleAfterMs;
    }
    fleet.apply(next);
    users = gatewayUsersFor(next, users, fleet, clock);
    config = next;
    logger.info('config reloaded', { pools: next.pools.map((pool) => pool.name) });
    return { ok: true, errors: [] };
  };

  const setAlgorithm = (algorithm: AlgorithmId, pool?: string): boolean => {
    const ok = fleet.setAlgorithm(algorithm, pool);
    if (ok) logger.info('algorithm switched', { algorithm, pool: pool ?? '(all)' });
    return ok;
  };

  const admin: AdminControl = {
    snapshot,
    events,
    setAlgorithm,
    setDraining(poolName, replicaName, draining) {
      const pool = fleet.pool(poolName);
      if (!pool) return 'no-pool';
      const replica = pool.find(replicaName);
      if (!replica) return 'no-replica';
      if (draining) replica.health.drain('drained by the admin API');
      else {
        replica.health.enable();
        fleet.probe(replica);
      }
      logger.info(draining ? 'replica draining' : 'replica enabled', { pool: poolName, replica: replicaName });
      return 'ok';
    },
    reload,
  };

  const host = options.host ?? config.listen.host;
  const port = options.port ?? config.listen.port;
  const server = createSidecarServer({
    config: () => config,
    listenHost: () => host,
    adminToken,
    fleet: () => fleet,
    proxyDeps,
    admin,
    metrics: () => renderMetrics(fleet, counters, streams) + (users?.metrics() ?? ''),
    closing: () => closing,
    logger,
    users: () => users,
  });

  if (!isLoopbackHost(host) && !config.clientToken && !config.users?.length) {
    await fleet.close(true);
    throw new Error(`listening on ${host} (not loopback) needs clientToken or users in the config`);
  }
  try {
    await Promise.all([
      fleet.learnModels(INITIAL_MODELS_WAIT_MS),
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    ]);
  } catch (error) {
    await fleet.close(true);
    throw error;
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' || host.includes(':') ? `[${address.address}]` : host;
  const url = `${config.tls ? 'https' : 'http'}://${urlHost}:${address.port}`;
  endpoint = `${url}/v1`;

  let closed: Promise<void> | undefined;
  const close = (graceMs?: number): Promise<void> => {
    if (closed) return closed;
    closing = true;
    closed = (async () => {
      const grace = graceMs ?? config.shutdownGrace;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      events.close();
      server.closeIdleConnections();
      const deadline = Date.now() + grace;
      while (fleet.inflight() > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        server.closeIdleConnections();
      }
      const forced = fleet.inflight() > 0;
      if (forced) logger.warn('shutdown grace over; cutting requests still in flight', { inflight: fleet.inflight() });
      // Upstream first: each stream still in flight then ends with the SSE error event (and its socket is flushed)
      // before the client connections are closed.
      await fleet.close(forced);
      const cutDeadline = Date.now() + 1000;
      while (fleet.inflight() > 0 && Date.now() < cutDeadline) await new Promise((resolve) => setTimeout(resolve, 10));
      server.closeAllConnections();
      await serverClosed;
    })();
    return closed;
  };

  return {
    url,
    host: urlHost,
    port: address.port,
    config: () => config,
    state: snapshot,
    metrics: () => renderMetrics(fleet, counters, streams),
    reload,
    setAlgorithm,
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    inflight: () => fleet.inflight(),
    close,
  };
}

/** Requests one healthy replica runs at once before the gateway counts the fleet as saturated and queues fairly. */
const FAIR_SHARE_PER_REPLICA = 32;

/**
 * Requests of one user before their first token, per healthy replica, while another user is active: the engines
 * prefill in arrival order, so this bounds how many of a flooder's requests another user's request waits behind.
 * Half a request per replica (rounded up by the gate): with 1 per replica the quiet user's TTFT p90 under a flood was
 * 1.65x its unloaded value, with 0.5 1.44x and 1.42x (target 1.5x; bench part fairness, 2 replicas), at the cost of
 * the flooder's throughput while the other user is active (58 -> 41 -> 28 req/s); a lone user is never held.
 */
const PREFILL_SHARE_PER_REPLICA = 0.5;

/** The users machinery for a config with `users` (kept across reloads), else none. */
function gatewayUsersFor(
  config: Config,
  current: GatewayUsers | undefined,
  fleet: Fleet,
  clock: Clock,
): GatewayUsers | undefined {
  if (!config.users?.length) {
    current?.close();
    return undefined;
  }
  if (current) {
    current.reload(config);
    return current;
  }
  const replicas = () => fleet.pools.reduce((sum, pool) => sum + Math.max(1, pool.candidates().length), 0);
  const capacity = () => FAIR_SHARE_PER_REPLICA * replicas();
  const prefillShare = () => PREFILL_SHARE_PER_REPLICA * replicas();
  return new GatewayUsers(config, { capacity, prefillShare, clock });
}
