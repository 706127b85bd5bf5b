// The endpoint picker's scheduling for each sidecar algorithm: which scorers (with weights) and which picker the
// Gateway API Inference Extension's endpoint picker (EPP) runs. Type names are the plugins registered by the EPP of
// gateway-api-inference-extension v1.5.0, which llm-d-inference-scheduler registers under the same names.
import type { AlgorithmId } from '../protocol';

/** The apiVersion the v1.5.0 EPP reads; llm-d-inference-scheduler reads it as a deprecated alias of llm-d.ai/v1alpha1. */
export const EPP_CONFIG_API_VERSION = 'inference.networking.x-k8s.io/v1alpha1';
export const EPP_CONFIG_KIND = 'EndpointPickerConfig';
/** The key of the ConfigMap holding the config; mount it and pass `--config-file /config/<key>`. */
export const EPP_CONFIG_KEY = 'epp-config.yaml';
/** The EPP's ext-proc gRPC port (the Helm chart's default). */
export const EPP_PORT = 9002;

export const SCORERS = {
  prefixCache: 'prefix-cache-scorer',
  queue: 'queue-scorer',
  kvCache: 'kv-cache-utilization-scorer',
  runningRequests: 'running-requests-size-scorer',
} as const;

export const PICKERS = {
  maxScore: 'max-score-picker',
  random: 'random-picker',
  weightedRandom: 'weighted-random-picker',
} as const;

export interface Scheduling {
  /** Scorer plugin type -> weight in the profile. */
  scorers: [string, number][];
  picker: string;
  /** How close this comes to the sidecar's algorithm, for the header. */
  note: string;
}

/** The scheduling that comes nearest to each sidecar algorithm. */
export const SCHEDULING: Record<AlgorithmId, Scheduling> = {
  'prefix-aware': {
    // The EPP's own default profile: prefix affinity first, moved off a replica whose queue or KV cache fills.
    scorers: [
      [SCORERS.prefixCache, 3],
      [SCORERS.queue, 2],
      [SCORERS.kvCache, 2],
    ],
    picker: PICKERS.maxScore,
    note:
      'prefix-cache-scorer (weight 3) + queue-scorer (2) + kv-cache-utilization-scorer (2), max-score-picker: the same' +
      " idea as the sidecar (prefix affinity that yields to load), with the EPP estimating each pod's cached prefix" +
      ' blocks from its own past choices, as the sidecar does.',
  },
  'queue-aware': {
    scorers: [
      [SCORERS.queue, 2],
      [SCORERS.kvCache, 1],
    ],
    picker: PICKERS.maxScore,
    note:
      'queue-scorer (weight 2, vllm:num_requests_waiting) + kv-cache-utilization-scorer (1, vllm:kv_cache_usage_perc),' +
      ' max-score-picker: the engine metrics the sidecar weighs, scraped by the EPP itself; no fallback to local' +
      ' in-flight counts when metrics are stale.',
  },
  'least-connections': {
    scorers: [[SCORERS.runningRequests, 1]],
    picker: PICKERS.maxScore,
    note:
      'running-requests-size-scorer (vllm:num_requests_running), max-score-picker: fewest requests the engine is' +
      " running, read from its metrics, instead of the sidecar's own in-flight count; ties broken at random.",
  },
  'least-response-time': {
    scorers: [
      [SCORERS.queue, 1],
      [SCORERS.runningRequests, 1],
    ],
    picker: PICKERS.maxScore,
    note:
      'queue-scorer + running-requests-size-scorer, max-score-picker: the EPP measures no time to first token' +
      ' (its latency predictor is an optional extra service); load is the nearest proxy for waiting time.',
  },
  'power-of-two': {
    scorers: [[SCORERS.runningRequests, 1]],
    picker: PICKERS.weightedRandom,
    note:
      'running-requests-size-scorer with weighted-random-picker: a random pod, likelier the less it runs, which keeps' +
      ' the spread of two random choices without sampling exactly two.',
  },
  'consistent-hash': {
    scorers: [
      [SCORERS.prefixCache, 3],
      [SCORERS.queue, 1],
    ],
    picker: PICKERS.maxScore,
    note:
      'no session hash in this EPP; prefix-cache-scorer (weight 3) + queue-scorer (1) keeps a conversation, whose' +
      ' turns share their prompt start, on one pod. llm-d-inference-scheduler also offers session-affinity-scorer.',
  },
  'round-robin': {
    scorers: [],
    picker: PICKERS.random,
    note: 'random-picker: uniform random choice, no rotation and no weights.',
  },
};

export interface EndpointPickerConfig {
  apiVersion: string;
  kind: string;
  plugins: { type: string; name?: string; parameters?: Record<string, unknown> }[];
  schedulingProfiles: { name: string; plugins: { pluginRef: string; weight?: number }[] }[];
}

/** The EndpointPickerConfig document for one algorithm (every plugin named by its type). */
export function endpointPickerConfig(algorithm: AlgorithmId): EndpointPickerConfig {
  const scheduling = SCHEDULING[algorithm];
  return {
    apiVersion: EPP_CONFIG_API_VERSION,
    kind: EPP_CONFIG_KIND,
    plugins: [...scheduling.scorers.map(([type]) => ({ type })), { type: scheduling.picker }],
    schedulingProfiles: [
      {
        name: 'default',
        plugins: [
          ...scheduling.scorers.map(([type, weight]) => ({ pluginRef: type, weight })),
          { pluginRef: scheduling.picker },
        ],
      },
    ],
  };
}
