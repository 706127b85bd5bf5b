// The validated, typed configuration. Durations are milliseconds, sizes bytes; every default is filled in.
import type { AlgorithmId } from '../protocol';

export interface HealthCheckConfig {
  enabled: boolean;
  path: string;
  interval: number;
  timeout: number;
  rise: number;
  fall: number;
}

export interface TimeoutsConfig {
  connect: number;
  firstByte: number;
  idle: number;
}

export interface ReplicaConfig {
  url: string;
  /** Defaults to host:port of the URL. */
  name: string;
  weight: number;
  /** The resolved key. Never log it, never return it from an endpoint. */
  apiKey?: string;
  /** KV-cache size in tokens, for prefix-aware routing where the replica's /metrics has no vllm:cache_config_info. */
  cacheTokens?: number;
  /** The replica's vLLM KV-cache event stream (`--kv-events-config`): prefix-aware reads its exact cache state from it. */
  kvEvents?: KvEventsConfig;
}

/** Where a replica publishes KV-cache events: a ZMQ PUB endpoint, and the topic it publishes under ("" = all). */
export interface KvEventsConfig {
  endpoint: string;
  topic: string;
}

export interface PoolConfig {
  name: string;
  /** Model ids served; when absent they are learned from each replica's /v1/models. */
  models?: string[];
  algorithm: AlgorithmId;
  replicas: ReplicaConfig[];
  healthCheck: HealthCheckConfig;
  maxFails: number;
  failTimeout: number;
  timeouts: TimeoutsConfig;
  retries: number;
  /** Another pool's name, used when this one has no healthy replica or every replica answers 429/503. */
  fallback?: string;
  /** ms: the time a request may spend on attempts and waits before its answer starts. */
  deadline: number;
}

/** Per-user limits over a sliding minute; absent means unlimited. */
export interface UserLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** A named user of a gateway (config `users`). */
export interface UserConfig {
  name: string;
  /** The resolved token. Never log it, never return it from an endpoint, never put it in a metric. */
  token: string;
  limits: UserLimits;
}

export interface Config {
  /** Absolute path of the file this came from, when it came from one. */
  file?: string;
  listen: { host: string; port: number };
  algorithm: AlgorithmId;
  pools: PoolConfig[];
  engineMetrics: { enabled: boolean; interval: number };
  limits: { maxBodyBytes: number };
  shutdownGrace: number;
  allowedOrigins: string[];
  clientToken?: string;
  /** Named users (gateway mode); clientToken, when set, is still accepted as the anonymous user. */
  users?: UserConfig[];
  admin: { token?: string };
  tls?: { cert: string; key: string };
  /** A model name a tool insists on -> the model a pool serves; the body is rewritten on the way. */
  aliases?: Record<string, string>;
}

/** One problem found in a config file, with a 1-based position. */
export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  message: string;
  severity: 'error' | 'warning';
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}`;
}
