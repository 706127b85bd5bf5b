// The one interface every load-balancing algorithm implements. Health decides the candidates; a balancer never
// sees an ejected, unhealthy or draining replica.
import type { AlgorithmId } from '../../core/protocol';

/** Load reported by the replica's own /metrics (vLLM engine gauges). */
export interface EngineLoad {
  running: number;
  waiting: number;
  kvCacheUsage: number;
  /** Epoch ms of the scrape. */
  scrapedAt: number;
  /**
   * vllm:prefix_cache_queries_total at the scrape: prompt tokens the engine has looked up, cumulative (all senders
   * together). Its growth is the replica's prompt work, the same figure in every sidecar. Undefined if not published.
   */
  prefixQueries?: number | undefined;
  /**
   * vllm:prefix_cache_hits_total at the scrape: of those, tokens found cached. Queries − hits is what the engine
   * prefilled and wrote into its cache. Undefined if not published.
   */
  prefixHits?: number | undefined;
  /** vllm:lora_requests_info at the scrape; undefined when the replica does not publish it (LoRA off, not vLLM). */
  lora?: LoraActivity | undefined;
}

/** The LoRA adapters an engine is running and has waiting, and how many one batch may hold (--max-loras). */
export interface LoraActivity {
  readonly running: readonly string[];
  readonly waiting: readonly string[];
  readonly maxLora: number;
  /**
   * Adapters presumed still in the engine's GPU LoRA slots (least recently seen running first, at most maxLora): vLLM
   * keeps an adapter in its slot after its requests finish and evicts the least recently used one only to load
   * another, so an idle replica's last adapters cost no swap. Seen over successive scrapes; undefined with one scrape.
   */
  readonly resident?: readonly string[] | undefined;
}

/** What a balancer may know about a replica. */
export interface ReplicaView {
  /** Stable and unique in its pool: the replica's name. */
  readonly name: string;
  readonly url: string;
  readonly weight: number;
  /** Requests this sidecar has in flight to the replica (a stream counts until its last byte). */
  readonly inflight: number;
  /** Moving average of time to first token in ms, undefined until measured. */
  readonly ttftEwmaMs: number | undefined;
  /** Last engine scrape, undefined until one succeeded. */
  readonly engine: EngineLoad | undefined;
  /**
   * KV-cache capacity in tokens: what the replica publishes (vllm:cache_config_info num_gpu_blocks × block_size), else
   * the configured `cacheTokens`; undefined when neither is known.
   */
  readonly cacheTokens?: number | undefined;
  /** The replica's cache as its KV events tell it (config `kvEvents`); undefined when not configured. */
  readonly exactCache?: ExactCacheView | undefined;
  /**
   * Reads the replica's /metrics now (one read at a time; concurrent callers share it) so that `engine` is fresh;
   * undefined when the sidecar scrapes no engine metrics. Resolves, never rejects.
   */
  readonly refreshEngine?: (() => Promise<void>) | undefined;
  /** How long the replica's recent /metrics reads took (ms, moving average); undefined before the first. */
  readonly engineReadMs?: number | undefined;
}

/** A replica's exact prefix cache, from vLLM's KV-cache events (sidecar/kvEvents/). */
export interface ExactCacheView {
  /** The state is complete (followed since the engine started or last cleared, no message lost). */
  readonly known: boolean;
  /** Tokens per KV block. */
  readonly blockSize: number | undefined;
  /** Leading full blocks of these token ids that the replica holds. */
  matchedBlocks(tokenIds: readonly number[]): number;
  /** The prompt's token ids from the replica's /tokenize (undefined if it fails or is slow). */
  tokenIds(body: Record<string, unknown>): Promise<number[] | undefined>;
}

/** What a balancer may know about a request. */
export interface RoutedRequest {
  readonly model: string | undefined;
  /** Header x-session-id, else body `user`. */
  readonly sessionKey: string | undefined;
  /**
   * The prompt as text for prefix hashing: for chat, the messages in order (role and content, rendered the same way
   * in every sidecar); for completions, the prompt. Empty for bodies without a prompt.
   */
  readonly promptText: string;
  /** Body `cache_salt`, which isolates vLLM's prefix cache per tenant. */
  readonly cacheSalt: string | undefined;
  /**
   * Characters of promptText taken by the first message when it is a system (or developer) message and more messages
   * follow: the part most likely shared by every request (a team's system prompt). Undefined otherwise.
   */
  readonly leadMessageChars?: number | undefined;
  /**
   * The prompt carries no earlier answer (no assistant or tool message): a conversation's first turn, whose move to
   * another replica costs only its shared prefix, never a history. Undefined when the dialect does not tell.
   */
  readonly newConversation?: boolean | undefined;
  /**
   * False when the engine runs no prefill for the request (Anthropic count_tokens, /tokenize): it leaves nothing in
   * the replica's prefix cache and has no first token, so prefix indexes and response-time averages skip it.
   * Undefined means it does (every generation).
   */
  readonly fillsCache?: boolean | undefined;
  /** What vLLM's POST /tokenize takes for this prompt (model with messages and tools, or prompt); undefined if none. */
  readonly tokenizeBody?: Record<string, unknown> | undefined;
}

export interface BalancerContext {
  /** Uniform in [0, 1). Injected so tests are deterministic. */
  random(): number;
  /** Epoch ms. Injected so tests need no sleeps. */
  now(): number;
  /** How old an engine scrape may be before it counts as stale (ms). */
  engineStaleAfterMs: number;
}

export interface Balancer {
  readonly id: AlgorithmId;
  /** Choose one of the candidates (never empty when called), or undefined if none is acceptable. */
  pick(candidates: readonly ReplicaView[], request: RoutedRequest): ReplicaView | undefined;
  /** Called once per request before the first pick: a balancer may fetch what pick needs (token ids). */
  prepare?(candidates: readonly ReplicaView[], request: RoutedRequest): Promise<void>;
  /** Whether `prepare` would read the replicas' /metrics again before this pick (the virtual bench models the wait). */
  wantsFreshEngine?(candidates: readonly ReplicaView[], request: RoutedRequest): boolean;
  /** The request was sent to this replica. */
  onStart?(replica: ReplicaView, request: RoutedRequest): void;
  /** The request to this replica ended (stream finished, failed or aborted). */
  onFinish?(replica: ReplicaView, request: RoutedRequest, outcome: { ok: boolean; ttftMs?: number }): void;
  /** The pool's replica set changed (reload, add, remove); forget state about replicas that left. */
  onReplicasChanged?(names: readonly string[]): void;
}

export type BalancerFactory = (context: BalancerContext) => Balancer;
