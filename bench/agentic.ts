// The agentic coding regime (issue 17): a team-wide system prompt, a repository context per developer that every one
// of that developer's conversations re-sends after it, and conversations whose histories grow turn by turn. A
// developer is a prefix group: their conversations share system prompt + repository context, and the working set is
// several times one replica's KV cache. Two shapes: few large groups (long repository contexts, several
// conversations each) and many small ones (short contexts, one or two conversations each).
import { seededRandom } from './random';
import { fillerText } from './text';
import type { BenchRequest, ChatMessage, Session, Workload } from './workloads';

export interface AgenticOptions {
  /** Shape name, part of the workload's name ("agentic-few-large", "agentic-many-small"). */
  shape: string;
  developers: number;
  conversationsPerDeveloper: number;
  turns: number;
  teamTokens: number;
  repoTokens: number;
  userTokens: number;
  /** Each earlier answer as it appears in the history (tool output, edits). */
  answerTokens: number;
  maxTokens: number;
  seed: number;
}

/**
 * Session = one conversation (key `dev-D-conv-C`), group = its developer (`dev-D`). Messages: the team's system prompt,
 * the developer's repository context as a second system message, then the conversation's user/assistant turns.
 */
export function agenticWorkload(options: AgenticOptions): Workload {
  const random = seededRandom(options.seed);
  const team: ChatMessage = {
    role: 'system',
    content: fillerText(random, options.teamTokens, `[team ${options.seed}] You are a coding agent.`),
  };
  const sessions: Session[] = [];
  const perConversation = options.turns * options.userTokens + (options.turns - 1) * options.answerTokens;
  const groupTokens = options.teamTokens + options.repoTokens;
  for (let d = 0; d < options.developers; d++) {
    const repo: ChatMessage = {
      role: 'system',
      content: fillerText(random, options.repoTokens, `[repository of developer ${d}]`),
    };
    for (let c = 0; c < options.conversationsPerDeveloper; c++) {
      const history: ChatMessage[] = [team, repo];
      let tokens = groupTokens;
      const turns: BenchRequest[] = [];
      for (let t = 0; t < options.turns; t++) {
        history.push({
          role: 'user',
          content: fillerText(random, options.userTokens, `[dev ${d} conv ${c} turn ${t}]`),
        });
        tokens += options.userTokens;
        turns.push({ messages: [...history], maxTokens: options.maxTokens, promptTokens: tokens });
        history.push({
          role: 'assistant',
          content: fillerText(random, options.answerTokens, `[answer ${d}.${c}.${t}]`),
        });
        tokens += options.answerTokens;
      }
      sessions.push({ key: `dev-${d}-conv-${c}`, group: `dev-${d}`, groupTokens, turns });
    }
  }
  // Interleave developers (conversation 0 of every developer first) so that arrivals mix groups from the start.
  sessions.sort((a, b) => conversationIndex(a) - conversationIndex(b));
  return {
    name: `agentic-${options.shape}`,
    sessions,
    workingSetTokens:
      options.teamTokens +
      options.developers * (options.repoTokens + options.conversationsPerDeveloper * perConversation),
    description:
      `${options.developers} developers × ${options.conversationsPerDeveloper} conversations × ${options.turns} turns; ` +
      `team system prompt ${options.teamTokens} tokens, repository context ${options.repoTokens} tokens per developer, ` +
      `each turn adds ${options.userTokens} user + ${options.answerTokens} answer tokens ` +
      `(last prompt ${groupTokens + perConversation} tokens); max_tokens ${options.maxTokens}`,
  };
}

function conversationIndex(session: Session): number {
  return Number(session.key.slice(session.key.lastIndexOf('-') + 1));
}
