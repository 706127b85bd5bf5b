// A fleet of simulated replicas in this process: the programmatic face of `vllm-pools sim`, for tests and benches.
import type { Clock } from './clock';
import { DEFAULT_PROFILE, getProfile, PROFILES, type SimProfile } from './profiles';
import { SimReplica } from './replica';
import type { LoraModule } from './servedModels';

export { getProfile, PROFILES, type SimProfile } from './profiles';
export { type FaultInput, SimReplica, type SimReplicaStats } from './replica';
export { type LoraModule, parseLoraModule } from './servedModels';

/** What one replica serves (vLLM's --served-model-name, --lora-modules, --enable-lora, --max-loras). */
export interface ReplicaModels {
  /** The base model's path or id (`root` in /v1/models); default the fleet's `model`, else the profile's. */
  model?: string;
  /** Names the base model answers to; default [model]. */
  servedModelNames?: string[];
  loraModules?: LoraModule[];
  enableLora?: boolean;
  maxLoras?: number;
}

export interface SimFleetOptions {
  /** Default 3. */
  replicas?: number;
  /** First port; replica i listens on port + i. 0 or absent: free ports. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Served model name; default the profile's (h100-llama-8b: meta-llama/Llama-3.1-8B-Instruct). */
  model?: string;
  /** `h100-llama-8b` (default) or `fast`. */
  profile?: string;
  /** Fields that replace the profile's, e.g. `{ numGpuBlocks: 2000 }` to size the KV cache for a workload. */
  profileOverrides?: Partial<Omit<SimProfile, 'name'>>;
  /** Multiplies every modelled delay; 0.1 runs ten times faster. Default 1. */
  timeScale?: number;
  /** Same seed and request: same token stream. Default 0. */
  seed?: number;
  /** Like `vllm serve --api-key`: /v1 paths need `Authorization: Bearer KEY`. */
  apiKey?: string;
  /** Like `vllm serve --enable-prompt-tokens-details`: usage.prompt_tokens_details.cached_tokens on a hit. */
  promptTokensDetails?: boolean;
  /** Like VLLM_ENABLE_RESPONSES_API_STORE=1; default true. False: `store` is ignored, as stock vLLM does. */
  storeResponses?: boolean;
  /** Injected clock (tests); default the real one. */
  clock?: Clock;
  /** Served names, adapters and LoRA limits for every replica (fields of `perReplica[i]` replace them for replica i). */
  servedModelNames?: string[];
  loraModules?: LoraModule[];
  enableLora?: boolean;
  maxLoras?: number;
  /** Per replica, by index: a mixed fleet (e.g. an adapter on one replica of three, another base model on one). */
  perReplica?: Array<ReplicaModels | undefined>;
}

export interface SimFleet {
  replicas: SimReplica[];
  urls: string[];
  close(): Promise<void>;
}

export async function startSimFleet(options: SimFleetOptions = {}): Promise<SimFleet> {
  const count = options.replicas ?? 3;
  if (!Number.isInteger(count) || count < 1) throw new Error(`replicas must be a positive integer, got ${count}`);
  const profileName = options.profile ?? DEFAULT_PROFILE;
  const named = getProfile(profileName);
  if (!named) {
    throw new Error(`unknown profile "${profileName}" (known: ${Object.keys(PROFILES).join(', ')})`);
  }
  const profile: SimProfile = { ...named, ...options.profileOverrides, name: named.name };
  for (const key of ['numGpuBlocks', 'maxNumSeqs', 'maxNumBatchedTokens', 'blockSize'] as const) {
    if (!Number.isInteger(profile[key]) || profile[key] < 1) throw new Error(`${key} must be a positive integer`);
  }
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0) || !Number.isFinite(timeScale)) throw new Error(`time scale must be >= 0, got ${timeScale}`);
  const basePort = options.port ?? 0;
  const replicas: SimReplica[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const own = options.perReplica?.[i] ?? {};
      const model = own.model ?? options.model;
      const served = own.servedModelNames ?? options.servedModelNames;
      const loras = own.loraModules ?? options.loraModules;
      const enableLora = own.enableLora ?? options.enableLora;
      const maxLoras = own.maxLoras ?? options.maxLoras;
      replicas.push(
        await SimReplica.start({
          name: `sim-${i}`,
          host: options.host ?? '127.0.0.1',
          port: basePort === 0 ? 0 : basePort + i,
          profile,
          ...(model ? { model } : {}),
          ...(served ? { servedModelNames: served } : {}),
          ...(loras ? { loraModules: loras } : {}),
          ...(enableLora !== undefined ? { enableLora } : {}),
          ...(maxLoras !== undefined ? { maxLoras } : {}),
          timeScale,
          seed: options.seed ?? 0,
          ...(options.apiKey ? { apiKey: options.apiKey } : {}),
          promptTokensDetails: options.promptTokensDetails ?? false,
          ...(options.storeResponses !== undefined ? { storeResponses: options.storeResponses } : {}),
          ...(options.clock ? { clock: options.clock } : {}),
        }),
      );
    }
  } catch (error) {
    await Promise.all(replicas.map((r) => r.close()));
    throw error;
  }
  return {
    replicas,
    urls: replicas.map((r) => r.url),
    close: async () => {
      await Promise.all(replicas.map((r) => r.close()));
    },
  };
}
