// What the HTTP layer of one replica needs: its engine, identity and the fault switched on.
import type { Engine } from '../engine/engine';
import type { Fault } from '../faults';
import type { SimProfile } from '../profiles';
import type { ServedModels } from '../servedModels';
import type { ResponseStore } from './responseStore';

export interface ReplicaCounters {
  /** Requests on the generation routes (chat, completions, embeddings, responses, messages, tokenize...) that reached the replica. */
  received: number;
  /** Of those, the ones the client gave up on (disconnected) before the answer ended. */
  aborted: number;
  /** Of those, the ones answered in full. */
  completed: number;
}

export interface ServeContext {
  readonly engine: Engine;
  readonly profile: SimProfile;
  /** The first served name (answers' `model` for the base model, metrics' model_name). */
  readonly model: string;
  readonly models: ServedModels;
  /** Stored Responses API responses (vLLM keeps them in the API server's memory). */
  readonly responses: ResponseStore;
  readonly seed: number;
  readonly apiKey: string | undefined;
  /** Like --enable-prompt-tokens-details: usage reports prompt_tokens_details.cached_tokens on a cache hit. */
  readonly promptTokensDetails: boolean;
  /** VLLM_ENABLE_RESPONSES_API_STORE: without it vLLM ignores `store` and refuses `background`. */
  readonly storeResponses: boolean;
  /** Unix seconds when the replica started (the `created` of /v1/models). */
  readonly startedUnix: number;
  readonly counters: ReplicaCounters;
  readonly fault: Fault;
  /** The replica was stopped (a simulated crash): connections it drops are not client aborts. */
  readonly stopped: boolean;
  /** Resolves once the fault is in force (for `refuse` and `none`: once the listener is closed or open). */
  setFault(fault: Fault & { durationMs?: number }): Promise<void>;
  /** A counted fault answered one more request. */
  faultAnswered(): void;
  faultState(): Fault & { remaining?: number };
}
