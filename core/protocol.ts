// Types shared by the sidecar's admin API and its clients (the VS Code extension, the dashboard page, scripts).
// The routes that carry them are in core/admin/routes.ts, the /admin/events messages in core/admin/events.ts.
// Plain data only: this file must stay importable from the extension host, webviews and the sidecar alike.

export const ALGORITHM_IDS = [
  'round-robin',
  'least-connections',
  'least-response-time',
  'consistent-hash',
  'power-of-two',
  'prefix-aware',
  'queue-aware',
] as const;

export type AlgorithmId = (typeof ALGORITHM_IDS)[number];

export const ALGORITHM_DESCRIPTIONS: Record<AlgorithmId, string> = {
  'round-robin': 'Smooth weighted round robin: each replica in turn, in proportion to its weight.',
  'least-connections': 'Fewest in-flight requests (a stream counts until its last byte), weighted, random tie-break.',
  'least-response-time': 'Lowest recent time to first token × (in-flight + 1).',
  'consistent-hash':
    'Sticky sessions: x-session-id, else the body’s user, else the prompt start, on a bounded-load ring.',
  'power-of-two': 'Two random healthy replicas; the one with fewer in-flight requests.',
  'prefix-aware':
    'Prefix-cache affinity: requests sharing a prompt prefix go to the same replica unless it is overloaded.',
  'queue-aware':
    'Least engine load from each replica’s /metrics (waiting, running, KV cache), local counts when stale.',
};

export function isAlgorithmId(value: unknown): value is AlgorithmId {
  return typeof value === 'string' && (ALGORITHM_IDS as readonly string[]).includes(value);
}

export type ReplicaHealth = 'healthy' | 'unhealthy' | 'draining' | 'unknown';

/** p50/p95/p99 over a sliding window, in milliseconds. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** What the replica's own /metrics said at the last successful scrape. */
export interface EngineState {
  running: number;
  waiting: number;
  kvCacheUsage: number;
  /** Δhits/Δqueries of vllm:prefix_cache_* between the last two scrapes, null when no queries. */
  prefixCacheHitRate: number | null;
  /** Epoch ms of the scrape. */
  scrapedAt: number;
  /** True once the scrape is older than twice the scrape interval. */
  stale: boolean;
  /** vllm:lora_requests_info at the scrape; absent when the replica does not publish it (LoRA off, not vLLM). */
  lora?: EngineLora;
}

/** The LoRA adapters the engine is running and has waiting, and how many one batch may hold (--max-loras). */
export interface EngineLora {
  running: string[];
  waiting: string[];
  maxLora: number;
}

export interface ReplicaState {
  name: string;
  url: string;
  weight: number;
  state: ReplicaHealth;
  /** Why the replica is in this state, in words ("3 failures in 30s", "health check: connect ECONNREFUSED"). */
  reason: string | null;
  lastError: string | null;
  /** Epoch ms until which passive ejection holds the replica out, or null. */
  ejectedUntil: number | null;
  models: string[];
  /**
   * What the replica's own /v1/models reported, in its order: base models (parent null) and LoRA adapters (parent =
   * the base model they run on). Absent from sidecars older than this field.
   */
  served?: ServedModel[];
  inflight: number;
  requests: number;
  errors: number;
  errorsByKind: Record<string, number>;
  retries: number;
  ejections: number;
  bytesSent: number;
  bytesReceived: number;
  requestsPerSecond: number;
  errorRate: number;
  ttftMs: Percentiles | null;
  itlMs: Percentiles | null;
  tokensPerSecond: number;
  engine: EngineState | null;
}

/** One entry of a replica's /v1/models. */
export interface ServedModel {
  id: string;
  /** The base model of a LoRA adapter (vLLM's `parent`); null for a base model. */
  parent: string | null;
}

export interface PoolState {
  name: string;
  algorithm: AlgorithmId;
  models: string[];
  healthy: number;
  total: number;
  replicas: ReplicaState[];
}

export interface StreamState {
  id: string;
  pool: string;
  replica: string;
  model: string | null;
  path: string;
  startedAt: number;
  ageMs: number;
  tokens: number;
  tokensPerSecond: number;
  ttftMs: number | null;
}

export interface StateSnapshot {
  version: string;
  algorithm: AlgorithmId;
  endpoint: string;
  configPath: string | null;
  startedAt: number;
  now: number;
  pools: PoolState[];
  streams: StreamState[];
  /** Gateway users (config `users`): who is using the fleet now. Absent when no users are configured. */
  users?: UserState[];
}

/** One gateway user's figures: the configured name or "anonymous" (the clientToken), never a token. */
export interface UserState {
  user: string;
  inFlight: number;
  /** Requests waiting for a fair share of a saturated fleet. */
  queued: number;
  /** Requests started since the sidecar started. */
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** In the last minute (the window the limits count). */
  requestsThisMinute: number;
  tokensThisMinute: number;
  limits: { requestsPerMinute?: number; tokensPerMinute?: number };
  /** Requests answered 429, by cause: a limit, or too many already waiting ("queue"). */
  refused: Record<string, number>;
}

/** One finished request, as sent in `event: request` on /admin/events. */
export interface RequestEvent {
  id: string;
  pool: string | null;
  replica: string | null;
  model: string | null;
  path: string;
  status: number;
  stream: boolean;
  attempts: number;
  startedAt: number;
  durationMs: number;
  ttftMs: number | null;
  tokens: number;
  tokensPerSecond: number;
  bytes: number;
  /** Error kind when the request failed ("connect", "timeout", "status", "reset", "client-abort", ...). */
  error: string | null;
  /** Gateway mode with `users`: who sent it (a configured name, or "anonymous" for clientToken). Never a token. */
  user?: string;
}

export interface ReloadResult {
  ok: boolean;
  errors: string[];
}

/** The OpenAI error shape, used for every error the sidecar makes itself. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: number | string | null };
}
