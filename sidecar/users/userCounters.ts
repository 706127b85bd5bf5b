// Per-user figures: requests started and finished, tokens, requests in flight and waiting, and refusals (429) by
// cause. Rendered as Prometheus text families labelled `user` (a configured name or "anonymous", never a token),
// written once each with HELP and TYPE so `promtool check metrics` accepts them appended to /metrics.
import type { LimitName } from './rateLimits';

/** Why a request was refused with 429: one of the user's limits, or too many of its requests already waiting. */
export type RefusalCause = LimitName | 'queue';

const CAUSES: RefusalCause[] = ['requestsPerMinute', 'tokensPerMinute', 'queue'];

export interface UserFigures {
  user: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  inFlight: number;
  queued: number;
  refused: Record<RefusalCause, number>;
}

export class UserCounters {
  private readonly figures = new Map<string, UserFigures>();

  /** Users listed even before their first request, so their series start at 0. */
  declare(users: string[]): void {
    for (const user of users) this.of(user);
  }

  started(user: string): void {
    const figures = this.of(user);
    figures.requests++;
    figures.inFlight++;
  }

  finished(user: string, usage: { promptTokens?: number; completionTokens?: number } = {}): void {
    const figures = this.of(user);
    figures.inFlight = Math.max(0, figures.inFlight - 1);
    figures.promptTokens += usage.promptTokens ?? 0;
    figures.completionTokens += usage.completionTokens ?? 0;
  }

  queued(user: string, delta: 1 | -1): void {
    const figures = this.of(user);
    figures.queued = Math.max(0, figures.queued + delta);
  }

  refused(user: string, cause: RefusalCause): void {
    this.of(user).refused[cause]++;
  }

  snapshot(): UserFigures[] {
    return [...this.figures.values()].map((f) => ({ ...f, refused: { ...f.refused } }));
  }

  /** Prometheus text exposition lines (each ends with a newline), to append to /metrics. */
  render(): string {
    const rows = [...this.figures.values()];
    const lines: string[] = [];
    const family = (name: string, kind: 'counter' | 'gauge', help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${kind}`);
      for (const [labels, value] of samples) lines.push(`${name}{${labels}} ${value}`);
    };
    const user = (f: UserFigures) => `user="${escapeLabel(f.user)}"`;
    family(
      'vllm_pools_user_requests_total',
      'counter',
      'Requests admitted to the fleet, by user.',
      rows.map((f) => [user(f), f.requests]),
    );
    family(
      'vllm_pools_user_tokens_total',
      'counter',
      'Tokens used by finished requests, by user and kind (prompt, completion).',
      rows.flatMap((f) => [
        [`${user(f)},kind="prompt"`, f.promptTokens],
        [`${user(f)},kind="completion"`, f.completionTokens],
      ]),
    );
    family(
      'vllm_pools_user_inflight_requests',
      'gauge',
      'Requests of the user in flight to the fleet.',
      rows.map((f) => [user(f), f.inFlight]),
    );
    family(
      'vllm_pools_user_queued_requests',
      'gauge',
      'Requests of the user waiting for a fair share of a saturated fleet.',
      rows.map((f) => [user(f), f.queued]),
    );
    family(
      'vllm_pools_user_rate_limited_total',
      'counter',
      'Requests refused with 429, by user and cause (requestsPerMinute, tokensPerMinute, queue).',
      rows.flatMap((f) => CAUSES.map((cause): [string, number] => [`${user(f)},cause="${cause}"`, f.refused[cause]])),
    );
    return `${lines.join('\n')}\n`;
  }

  private of(user: string): UserFigures {
    let figures = this.figures.get(user);
    if (!figures) {
      figures = {
        user,
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        inFlight: 0,
        queued: 0,
        refused: { requestsPerMinute: 0, tokensPerMinute: 0, queue: 0 },
      };
      this.figures.set(user, figures);
    }
    return figures;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
