// What a run measures: fleet, workloads, load levels, contenders. `--quick` shrinks every count.
import { ALGORITHM_IDS, type AlgorithmId } from '../core/protocol';
import { H100_LLAMA_8B } from '../sim/profiles';
import type { ProxyCostPlan } from './proxyCost';
import {
  type MultiTurnOptions,
  multiTurn,
  type PrefixRepetitionOptions,
  prefixRepetition,
  type RandomOptions,
  randomWorkload,
  type Workload,
  type WorkloadName,
} from './workloads';

/** A load level and which contenders run at it: all, or the core set (to keep light levels short). */
export interface Level {
  rate: number;
  contenders: 'all' | 'core';
}

export interface BenchPlan {
  quick: boolean;
  replicas: number;
  /** Simulator time scale: modelled delays × this = real delays. */
  timeScale: number;
  /** KV blocks per replica for the bench profile (h100-llama-8b coefficients, smaller cache). */
  kvBlocks: number;
  blockSize: number;
  seed: number;
  workloads: Record<WorkloadName, { workload: Workload; levels: Level[] }>;
  /** Labels (substrings) of the core contenders. */
  core: string[];
  /** TTFT / TPOT limits for goodput, modelled ms. */
  slo: { ttftMs: number; tpotMs: number };
  maxRunRealMs: number;
  /**
   * The team runs on its own fleet at time scale 1: eight sidecars each scraping every replica's /metrics would, at a
   * compressed time scale, scrape twice as often in real time and take CPU from the simulated replicas on this machine.
   */
  team: { developers: number; rate: number; timeScale: number; algorithms: AlgorithmId[] };
  proxy: ProxyCostPlan;
}

export function multiTurnOptions(quick: boolean, seed: number): MultiTurnOptions {
  return quick
    ? { sessions: 24, turns: 3, systemTokens: 1500, userTokens: 1200, historyAnswerTokens: 200, maxTokens: 32, seed }
    : { sessions: 64, turns: 4, systemTokens: 1500, userTokens: 1200, historyAnswerTokens: 200, maxTokens: 48, seed };
}

export function makePlan(quick: boolean): BenchPlan {
  const seed = 42;
  const prefix: PrefixRepetitionOptions = quick
    ? { prefixes: 12, prefixTokens: 8000, suffixTokens: 100, requests: 60, maxTokens: 32, seed }
    : { prefixes: 32, prefixTokens: 8000, suffixTokens: 100, requests: 192, maxTokens: 48, seed };
  const random: RandomOptions = quick
    ? { requests: 60, medianPromptTokens: 600, longShare: 0.05, longTokens: 8000, minOutput: 8, maxOutput: 64, seed }
    : { requests: 120, medianPromptTokens: 600, longShare: 0.05, longTokens: 8000, minOutput: 8, maxOutput: 128, seed };
  const core = [
    'sidecar round-robin',
    'sidecar least-connections',
    'sidecar prefix-aware',
    'sidecar queue-aware',
    'nginx round robin',
    'nginx least_conn',
    'nginx hash',
    'LIMIT',
  ];
  return {
    quick,
    replicas: 4,
    timeScale: 0.5,
    kvBlocks: quick ? 2200 : 6300,
    blockSize: H100_LLAMA_8B.blockSize,
    seed,
    workloads: {
      'multi-turn': {
        workload: multiTurn(multiTurnOptions(quick, seed)),
        levels: quick
          ? [{ rate: 24, contenders: 'core' }]
          : [
              { rate: 8, contenders: 'core' },
              { rate: 20, contenders: 'all' },
              { rate: 28, contenders: 'all' },
            ],
      },
      'prefix-repetition': {
        workload: prefixRepetition(prefix),
        levels: [{ rate: 16, contenders: quick ? 'core' : 'all' }],
      },
      random: { workload: randomWorkload(random), levels: [{ rate: 12, contenders: quick ? 'core' : 'all' }] },
    },
    core: quick
      ? ['sidecar least-connections', 'sidecar prefix-aware', 'sidecar queue-aware', 'nginx least_conn', 'LIMIT']
      : core,
    slo: { ttftMs: 1000, tpotMs: 50 },
    maxRunRealMs: quick ? 30_000 : 60_000,
    team: {
      developers: 8,
      rate: 24,
      timeScale: 1,
      algorithms: quick ? ['least-connections', 'prefix-aware'] : [...ALGORITHM_IDS],
    },
    proxy: quick
      ? {
          latencyRequests: 800,
          concurrencies: [1, 16, 64],
          streams: 8,
          eventsPerStream: 20,
          eventIntervalMs: 10,
          throughputSeconds: 1,
          throughputConcurrency: 64,
          openStreams: 1000,
        }
      : {
          latencyRequests: 3000,
          concurrencies: [1, 16, 64],
          streams: 16,
          eventsPerStream: 200,
          eventIntervalMs: 10,
          throughputSeconds: 3,
          throughputConcurrency: 64,
          openStreams: 1000,
        },
  };
}
