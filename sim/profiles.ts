// Replica profiles: the served model, the engine's limits and the step-time coefficients (reference vllm.md §4.3).

export interface StepCoefficients {
  /** Fixed cost of one forward pass (weights read, launch), ms. */
  t0Ms: number;
  /** Per prefill token computed in the step, ms. */
  prefillMsPerToken: number;
  /** Per decoding sequence in the step, ms. */
  decodeMsPerSeq: number;
  /** Per context token of each decoding sequence (KV read), ms. */
  decodeMsPerContextToken: number;
  /** Attention of prefill chunks: per (chunk token × mean context), ms. */
  attentionMsPerTokenPair: number;
}

export interface SimProfile {
  name: string;
  /** Served model name when --model is not given. */
  model: string;
  maxModelLen: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  blockSize: number;
  /** KV cache capacity in blocks of `blockSize` tokens (vllm:cache_config_info num_gpu_blocks). */
  numGpuBlocks: number;
  step: StepCoefficients;
  /** API-server cost before a request reaches the engine (tokenisation, chat template, HTTP), ms. */
  apiOverheadMs: number;
  /** Natural answer length (tokens, EOS included) when neither max_tokens nor ignore_eos cut it. */
  outputTokens: { min: number; max: number };
  embeddingDims: number;
  /** Moving one LoRA adapter into a GPU slot (from the CPU cache), ms, added to the step that first runs it. */
  loraSwapMs?: number;
}

/** Llama-3.1-8B-Instruct BF16 on one H100 SXM, vLLM >= 0.8 (coefficients: reference §4.3, mid-range). */
export const H100_LLAMA_8B: SimProfile = {
  name: 'h100-llama-8b',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  maxModelLen: 131_072,
  maxNumSeqs: 256,
  maxNumBatchedTokens: 8192,
  blockSize: 16,
  numGpuBlocks: 25_231,
  step: {
    t0Ms: 6.5,
    prefillMsPerToken: 0.04,
    decodeMsPerSeq: 0.03,
    decodeMsPerContextToken: 0.000045,
    attentionMsPerTokenPair: 0.000001,
  },
  apiOverheadMs: 8,
  outputTokens: { min: 32, max: 384 },
  embeddingDims: 4096,
  loraSwapMs: 12,
};

/** A small model with short delays, for tests of other components: answers of 4-24 tokens at ~1 ms per step. */
export const FAST: SimProfile = {
  name: 'fast',
  model: 'Qwen/Qwen3-0.6B',
  maxModelLen: 32_768,
  maxNumSeqs: 64,
  maxNumBatchedTokens: 4096,
  blockSize: 16,
  numGpuBlocks: 4096,
  step: {
    t0Ms: 1,
    prefillMsPerToken: 0.002,
    decodeMsPerSeq: 0.005,
    decodeMsPerContextToken: 0.000002,
    attentionMsPerTokenPair: 0,
  },
  apiOverheadMs: 1,
  outputTokens: { min: 4, max: 24 },
  embeddingDims: 32,
  loraSwapMs: 2,
};

export const PROFILES: Readonly<Record<string, SimProfile>> = {
  [H100_LLAMA_8B.name]: H100_LLAMA_8B,
  [FAST.name]: FAST,
};

export const DEFAULT_PROFILE = H100_LLAMA_8B.name;

export function getProfile(name: string): SimProfile | undefined {
  return Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
}
