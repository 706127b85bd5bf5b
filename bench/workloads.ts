// The three routing workloads. Each is a list of sessions; a session's turns go one after another (a turn is sent
// only after the previous answer ended), different sessions overlap. Prompts do not depend on answers, so every
// contender gets exactly the same requests.
import { seededRandom } from './random';
import { fillerText } from './text';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface BenchRequest {
  messages: ChatMessage[];
  maxTokens: number;
  /** Prompt tokens as the simulator counts them, without the chat template's few tokens. */
  promptTokens: number;
}

export interface Session {
  key: string;
  turns: BenchRequest[];
  /**
   * The prefix group the session belongs to (the developer whose repository context it re-sends), when the workload
   * has groups larger than a session; the LIMIT pins groups, and the team sends a group through one sidecar.
   */
  group?: string;
  /** Prompt tokens the group's shared prefix holds (what pinning the group saves), for balanced pinning. */
  groupTokens?: number;
}

export interface Workload {
  name: string;
  sessions: Session[];
  /** Distinct prompt tokens the workload keeps alive: what a fleet would need to cache to hit on every reuse. */
  workingSetTokens: number;
  /** One line on how it is built. */
  description: string;
}

export const WORKLOAD_NAMES = ['multi-turn', 'prefix-repetition', 'random'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export interface MultiTurnOptions {
  sessions: number;
  turns: number;
  systemTokens: number;
  userTokens: number;
  /** Length of each earlier answer as it appears in the history. */
  historyAnswerTokens: number;
  maxTokens: number;
  seed: number;
}

/** IDE chat: one shared system prompt, then per session user/assistant turns; turn k resends turns 0..k-1. */
export function multiTurn(options: MultiTurnOptions): Workload {
  const random = seededRandom(options.seed);
  const system: ChatMessage = {
    role: 'system',
    content: fillerText(random, options.systemTokens, 'You are a coding assistant.'),
  };
  const sessions: Session[] = [];
  for (let s = 0; s < options.sessions; s++) {
    const history: ChatMessage[] = [system];
    let tokens = options.systemTokens;
    const turns: BenchRequest[] = [];
    for (let t = 0; t < options.turns; t++) {
      const user: ChatMessage = {
        role: 'user',
        content: fillerText(random, options.userTokens, `[session ${s} turn ${t}] Explain this code:`),
      };
      history.push(user);
      tokens += options.userTokens;
      turns.push({ messages: [...history], maxTokens: options.maxTokens, promptTokens: tokens });
      history.push({
        role: 'assistant',
        content: fillerText(random, options.historyAnswerTokens, `Answer ${s}.${t}:`),
      });
      tokens += options.historyAnswerTokens;
    }
    sessions.push({ key: `session-${s}`, turns });
  }
  const perSession = options.turns * options.userTokens + (options.turns - 1) * options.historyAnswerTokens;
  return {
    name: 'multi-turn',
    sessions,
    workingSetTokens: options.systemTokens + options.sessions * perSession,
    description:
      `${options.sessions} sessions × ${options.turns} turns; shared system prompt ${options.systemTokens} tokens, ` +
      `each turn adds ${options.userTokens} user + ${options.historyAnswerTokens} answer tokens to the history ` +
      `(last prompt ${options.systemTokens + perSession} tokens); max_tokens ${options.maxTokens}`,
  };
}

export interface PrefixRepetitionOptions {
  prefixes: number;
  prefixTokens: number;
  suffixTokens: number;
  requests: number;
  maxTokens: number;
  seed: number;
}

/** `vllm bench serve --dataset-name prefix_repetition`: N shared prefixes, each request one of them + a unique suffix. */
export function prefixRepetition(options: PrefixRepetitionOptions): Workload {
  const random = seededRandom(options.seed);
  const prefixes = Array.from({ length: options.prefixes }, (_, i) =>
    fillerText(random, options.prefixTokens, `[document ${i}]`),
  );
  const sessions: Session[] = [];
  for (let r = 0; r < options.requests; r++) {
    const group = Math.floor(random() * options.prefixes);
    const messages: ChatMessage[] = [
      { role: 'system', content: prefixes[group]! },
      { role: 'user', content: fillerText(random, options.suffixTokens, `[question ${r}]`) },
    ];
    sessions.push({
      key: `prefix-${group}`,
      turns: [{ messages, maxTokens: options.maxTokens, promptTokens: options.prefixTokens + options.suffixTokens }],
    });
  }
  return {
    name: 'prefix-repetition',
    sessions,
    workingSetTokens: options.prefixes * options.prefixTokens,
    description:
      `${options.requests} requests over ${options.prefixes} prefixes of ${options.prefixTokens} tokens, ` +
      `each with a unique ${options.suffixTokens}-token suffix; max_tokens ${options.maxTokens}`,
  };
}

export interface RandomOptions {
  requests: number;
  /** Median prompt length; lengths are log-normal around it. */
  medianPromptTokens: number;
  /** Share of very long prompts (longTokens each). */
  longShare: number;
  longTokens: number;
  minOutput: number;
  maxOutput: number;
  seed: number;
}

/** Unrelated prompts of mixed length (log-normal, plus a share of very long ones) and mixed output lengths. */
export function randomWorkload(options: RandomOptions): Workload {
  const random = seededRandom(options.seed);
  const sessions: Session[] = [];
  let total = 0;
  for (let r = 0; r < options.requests; r++) {
    const long = random() < options.longShare;
    const u = Math.max(1e-9, random());
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const promptTokens = long
      ? options.longTokens
      : Math.max(16, Math.min(options.longTokens, Math.round(options.medianPromptTokens * Math.exp(0.8 * z))));
    const maxTokens = options.minOutput + Math.floor(random() * (options.maxOutput - options.minOutput + 1));
    total += promptTokens;
    sessions.push({
      key: `request-${r}`,
      turns: [
        {
          messages: [{ role: 'user', content: fillerText(random, promptTokens, `[request ${r}]`) }],
          maxTokens,
          promptTokens,
        },
      ],
    });
  }
  return {
    name: 'random',
    sessions,
    workingSetTokens: total,
    description:
      `${options.requests} unrelated prompts, median ${options.medianPromptTokens} tokens (log-normal), ` +
      `${Math.round(options.longShare * 100)}% of ${options.longTokens} tokens; max_tokens ${options.minOutput}-${options.maxOutput}`,
  };
}

export function requestCount(workload: Workload): number {
  return workload.sessions.reduce((sum, s) => sum + s.turns.length, 0);
}

/** Working set against one replica's and the fleet's KV cache: routing matters when it is between the two. */
export interface Sizing {
  workingSetTokens: number;
  replicaKvTokens: number;
  fleetKvTokens: number;
  /** workingSet / one replica's cache: should be > 1. */
  overReplica: number;
  /** workingSet / the fleet's cache: should be < 1. */
  overFleet: number;
  inRegime: boolean;
}

export function sizing(workload: Workload, replicaKvTokens: number, replicas: number): Sizing {
  const fleetKvTokens = replicaKvTokens * replicas;
  const overReplica = workload.workingSetTokens / replicaKvTokens;
  const overFleet = workload.workingSetTokens / fleetKvTokens;
  return {
    workingSetTokens: workload.workingSetTokens,
    replicaKvTokens,
    fleetKvTokens,
    overReplica,
    overFleet,
    inRegime: overReplica > 1 && overFleet < 1,
  };
}
