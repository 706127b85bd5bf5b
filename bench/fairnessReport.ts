// The fairness section of the report: the quiet user's TTFT p90 alone and under another user's flood, the ratio
// against the 1.5x target, and what the flooder got (throughput, 429s).
import type { FairnessResult } from './fairness';

export interface FairnessVerdict {
  met: boolean;
  /** One line: the ratio against the target, and by how much it was missed when it was. */
  line: string;
}

export function fairnessVerdict(result: FairnessResult): FairnessVerdict {
  const { ratio } = result;
  const target = result.plan.target;
  if (!Number.isFinite(ratio) || result.quietFlooded.ok === 0 || result.quietAlone.ok === 0) {
    return { met: false, line: 'no verdict: the quiet user got no answers in one of the two runs' };
  }
  if (ratio <= target) return { met: true, line: `met: ${ratio.toFixed(2)}× ≤ ${target}×` };
  return {
    met: false,
    line: `missed: ${ratio.toFixed(2)}× > ${target}× (by ${((ratio / target - 1) * 100).toFixed(0)}%)`,
  };
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '–');

export function renderFairness(result: FairnessResult | undefined): string[] {
  if (!result) return [];
  const { plan, quietAlone, quietFlooded, flood } = result;
  const verdict = fairnessVerdict(result);
  return [
    '',
    '## Fairness between gateway users',
    '',
    `One sidecar in gateway mode (two users, no limits) in front of ${plan.replicas} simulated replicas (time scale` +
      ` ${plan.timeScale}; modelled ms). The quiet user sends ${plan.quietRequests} requests one after another` +
      ` (${plan.quietPromptTokens}-token prompts, ${plan.quietMaxTokens} tokens out), first alone, then while the` +
      ` other user floods with ${plan.floodConcurrency} concurrent streams (${plan.floodPromptTokens} in,` +
      ` ${plan.floodMaxTokens} out), more than the fair-share gate (32 in flight per healthy replica) and the` +
      " flooder's own queue hold; while both are active, each user may have at most one request per two healthy" +
      ' replicas' +
      " before its first token (the engines prefill in arrival order). Target: the quiet user's TTFT p90 under the" +
      ' flood within' +
      ` ${plan.target}× of its unloaded value.`,
    '',
    '| quiet user | TTFT p50 (ms) | TTFT p90 (ms) | answered | failed |',
    '|---|---|---|---|---|',
    `| alone | ${ms(quietAlone.ttftP50)} | ${ms(quietAlone.ttftP90)} | ${quietAlone.ok} | ${quietAlone.failed} |`,
    `| under the flood | ${ms(quietFlooded.ttftP50)} | ${ms(quietFlooded.ttftP90)} | ${quietFlooded.ok} | ${quietFlooded.failed} |`,
    '',
    `- **TTFT p90 under the flood ÷ alone: ${Number.isFinite(result.ratio) ? result.ratio.toFixed(2) : '–'}×** ` +
      `(target ≤ ${plan.target}×): ${verdict.line}.`,
    `- The flooder: ${flood.completed} requests answered (${flood.requestsPerSecond.toFixed(1)} req/s,` +
      ` ${flood.outTokensPerSecond.toFixed(0)} output tok/s), ${flood.rateLimited} refused with 429 (its queue` +
      ` full), ${flood.failed} failed otherwise.`,
    ...(result.floodAlone
      ? [
          `- The flooder alone (${plan.floodAloneSeconds} s real, no other user): ` +
            `${result.floodAlone.requestsPerSecond.toFixed(1)} req/s, ` +
            `${result.floodAlone.outTokensPerSecond.toFixed(0)} output tok/s; the fair-share rules apply only ` +
            'while a second user is active, so they cost a lone user nothing.',
        ]
      : []),
  ];
}
