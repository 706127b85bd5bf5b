// The agentic part of the bench (issue 17): two shapes of the agentic regime, on 4 and 8 replicas, over several
// seeds, for one sidecar (with the other gateways, the open peer and the LIMIT) and for a team of 8 sidecars.
import type { AlgorithmId } from '../core/protocol';
import type { AgenticOptions } from './agentic';
import type { AgentProtocol } from './agentWire';
import type { ContenderSpec } from './contenders';

export type AgenticShape = Omit<AgenticOptions, 'seed' | 'developers'> & {
  /** Developers per replica: the number of groups grows with the fleet, so the working set stays ≥ 3× one cache. */
  developersPerReplica: number;
  /** Offered load per replica, requests per modelled second. */
  ratePerReplica: number;
};

export interface AgenticPlan {
  seeds: number[];
  replicaCounts: number[];
  /** KV blocks per replica (of 16 tokens): smaller than the main bench's, so that prompts stay short. */
  kvBlocks: number;
  timeScale: number;
  shapes: AgenticShape[];
  /** One sidecar's algorithms, and the gateways and references that run beside them. */
  contenders: ContenderSpec[];
  team: { developers: number; algorithms: AlgorithmId[] };
  /**
   * One case sent again as each agent protocol (issue 18): the same conversations as Codex CLI (Responses API) and
   * Claude Code (Anthropic Messages) send them, to show that routing holds on their traffic too.
   */
  protocolVariants: {
    protocols: AgentProtocol[];
    shape: string;
    replicas: number;
    seeds: number[];
    contenders: ContenderSpec[];
  };
  maxRunRealMs: number;
}

export function makeAgenticPlan(quick: boolean): AgenticPlan {
  const fewLarge: AgenticShape = {
    shape: 'few-large',
    developersPerReplica: 2,
    conversationsPerDeveloper: quick ? 2 : 3,
    turns: 4,
    teamTokens: 2000,
    repoTokens: 8000,
    userTokens: 600,
    answerTokens: 150,
    maxTokens: 32,
    ratePerReplica: 3,
  };
  const manySmall: AgenticShape = {
    shape: 'many-small',
    developersPerReplica: 6,
    conversationsPerDeveloper: quick ? 1 : 2,
    turns: 3,
    teamTokens: 2000,
    repoTokens: 2500,
    userTokens: 500,
    answerTokens: 120,
    maxTokens: 32,
    ratePerReplica: 4,
  };
  const sidecar = (algorithm: AlgorithmId): ContenderSpec => ({ kind: 'sidecar', algorithm });
  return {
    seeds: quick ? [1] : [1, 2, 3],
    replicaCounts: quick ? [4] : [4, 8],
    kvBlocks: 2800,
    timeScale: 0.5,
    shapes: [fewLarge, manySmall],
    contenders: [
      sidecar('least-connections'),
      sidecar('consistent-hash'),
      sidecar('prefix-aware'),
      sidecar('queue-aware'),
      { kind: 'nginx', algorithm: 'least-connections', directive: 'least_conn' },
      { kind: 'peer' },
      { kind: 'limit' },
    ],
    team: {
      developers: 8,
      algorithms: quick ? ['prefix-aware'] : ['least-connections', 'consistent-hash', 'prefix-aware', 'queue-aware'],
    },
    protocolVariants: {
      protocols: ['responses', 'messages'],
      shape: 'few-large',
      replicas: 4,
      seeds: [1],
      contenders: [sidecar('prefix-aware'), sidecar('least-connections'), { kind: 'limit' }],
    },
    maxRunRealMs: quick ? 30_000 : 45_000,
  };
}
