// What every export needs from a Config, decided once: upstream names, server addresses, how each pool's API key
// is referenced (never its value), and the routing scheme shared by the four targets. The exporters only print.

import type { Config, PoolConfig } from '../config/types';
import type { AlgorithmId } from '../protocol';
import type { SelectorLabel } from './kubernetesNames';

/** Marker put in place of every environment value while a config is parsed for export, so no secret is resolved. */
export const ENV_REFERENCE_MARK = '\u0000vllm-pools-env-ref:';

/**
 * An environment for parseConfig that answers every lookup with a marker naming the variable. A `${env:X}` or
 * `${secret:Y}` reference then resolves to the variable's name instead of its value.
 */
export function referenceOnlyEnv(): NodeJS.ProcessEnv {
  return new Proxy({} as NodeJS.ProcessEnv, {
    get: (_target, name) => (typeof name === 'string' ? `${ENV_REFERENCE_MARK}${name}` : undefined),
  });
}

export interface ExportOptions {
  /** Where the exported gateway listens; default the config's listen address. */
  listen: { host: string; port: number };
  /** Kubernetes targets only: the namespace to write into every object (else none: kubectl's current one). */
  namespace?: string;
  /** Kubernetes targets only: the pods' labels (--selector KEY=VALUE); a value may hold {pool}. */
  selector: SelectorLabel[];
}

/** How a pool's requests get their Authorization header upstream. */
export type PoolKey =
  | { kind: 'none' }
  /** Every replica uses the key in this environment variable. */
  | { kind: 'env'; variable: string; literal: boolean }
  /** Replicas use different keys (or only some have one): not expressible per server in these gateways. */
  | { kind: 'mixed'; variable: string };

export interface PlannedServer {
  name: string;
  host: string;
  /** Host as written in a host:port pair (IPv6 in brackets). */
  hostForAddress: string;
  port: number;
  weight: number;
}

export interface PlannedPool {
  pool: PoolConfig;
  /** A name safe in every target's identifiers: pool_<name with non-alphanumerics as _>. */
  id: string;
  scheme: 'http' | 'https';
  /** True when replicas mix http and https (the first replica's scheme is used). */
  mixedSchemes: boolean;
  servers: PlannedServer[];
  key: PoolKey;
  /** URL path prefix that routes to this pool: /pools/<name>/ (stripped before proxying). */
  prefix: string;
}

export interface ExportPlan {
  config: Config;
  listen: { host: string; port: number };
  namespace?: string;
  selector: SelectorLabel[];
  pools: PlannedPool[];
  /** The pool that takes requests no prefix or header selects. */
  defaultPool: PlannedPool;
  /** Environment variable holding the client token, when the config requires one. */
  clientTokenVariable?: string;
}

export function planExport(config: Config, options?: Partial<ExportOptions>): ExportPlan {
  const pools = config.pools.map(planPool);
  const plan: ExportPlan = {
    config,
    listen: options?.listen ?? config.listen,
    selector: options?.selector ?? [],
    pools,
    defaultPool: pools[0]!,
  };
  if (options?.namespace !== undefined) plan.namespace = options.namespace;
  if (config.clientToken !== undefined) {
    plan.clientTokenVariable = referencedVariable(config.clientToken) ?? 'VLLM_POOLS_CLIENT_TOKEN';
  }
  return plan;
}

function planPool(pool: PoolConfig): PlannedPool {
  const urls = pool.replicas.map((replica) => new URL(replica.url));
  const scheme = urls[0]!.protocol === 'https:' ? 'https' : 'http';
  const servers = pool.replicas.map((replica, index) => {
    const url = urls[index]!;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return {
      name: replica.name,
      host,
      hostForAddress: host.includes(':') ? `[${host}]` : host,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      weight: replica.weight,
    };
  });
  const id = `pool_${pool.name.replace(/[^A-Za-z0-9]/g, '_')}`;
  return {
    pool,
    id,
    scheme,
    mixedSchemes: urls.some((url) => url.protocol !== urls[0]!.protocol),
    servers,
    key: poolKey(pool, id),
    prefix: `/pools/${pool.name}/`,
  };
}

function poolKey(pool: PoolConfig, id: string): PoolKey {
  const keys = pool.replicas.map((replica) => replica.apiKey);
  if (keys.every((key) => key === undefined)) return { kind: 'none' };
  const fallback = `VLLM_POOLS_API_KEY_${id.slice('pool_'.length).toUpperCase()}`;
  const variables = keys.map((key) => (key === undefined ? undefined : referencedVariable(key)));
  const first = keys[0];
  const same = keys.every((key) => key === first);
  if (!same) return { kind: 'mixed', variable: variables.find((v) => v !== undefined) ?? fallback };
  const variable = variables[0];
  return variable ? { kind: 'env', variable, literal: false } : { kind: 'env', variable: fallback, literal: true };
}

/** The variable name behind a value parsed with referenceOnlyEnv, or undefined for a literal. */
function referencedVariable(value: string): string | undefined {
  return value.startsWith(ENV_REFERENCE_MARK) ? value.slice(ENV_REFERENCE_MARK.length) : undefined;
}

/** The header that carries a session id for affinity algorithms. */
export const SESSION_HEADER = 'x-session-id';
/** Headers that select a pool without touching the body: the pool's name, or a model id it lists. */
export const POOL_HEADER = 'x-vllm-pools-pool';
export const MODEL_HEADER = 'x-model';

/** Algorithms a gateway approximates with a hash on the session header. */
export function usesSessionHash(algorithm: AlgorithmId): boolean {
  return algorithm === 'consistent-hash' || algorithm === 'prefix-aware';
}

/** Seconds, rounded up, at least 1 (every target takes whole seconds comfortably). */
export function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
