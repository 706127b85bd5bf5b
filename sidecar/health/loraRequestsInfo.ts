// vllm:lora_requests_info: a gauge whose labels carry the engine's LoRA state (running_lora_adapters and
// waiting_lora_adapters comma-joined, max_lora) and whose value is the time of the stats update that set them. vLLM
// sets a new label set at each update and prometheus_client keeps exporting the old ones, so the current state is the
// series with the latest value (per engine, when an `engine` label tells engines apart).
import type { LoraActivity } from '../balancer/types';

export const LORA_INFO = 'vllm:lora_requests_info';

/** Collects the series of one exposition; `activity()` is the union of each engine's latest. */
export class LoraInfoReader {
  private readonly latest = new Map<string, { at: number; activity: LoraActivity }>();

  /** One series: `labels` is the text between the braces, `value` its sample value. */
  add(labels: string, value: number): void {
    const fields = parseLabels(labels);
    if (!fields) return;
    const maxLora = Number(fields.get('max_lora'));
    if (!Number.isInteger(maxLora) || maxLora < 1) return;
    const engine = fields.get('engine') ?? '';
    const at = Number.isFinite(value) ? value : Number.NEGATIVE_INFINITY;
    const seen = this.latest.get(engine);
    if (seen && seen.at > at) return;
    this.latest.set(engine, {
      at,
      activity: {
        running: names(fields.get('running_lora_adapters')),
        waiting: names(fields.get('waiting_lora_adapters')),
        maxLora,
      },
    });
  }

  activity(): LoraActivity | undefined {
    const engines = [...this.latest.values()].map((entry) => entry.activity);
    if (engines.length === 0) return undefined;
    if (engines.length === 1) return engines[0];
    return {
      running: [...new Set(engines.flatMap((engine) => engine.running))],
      waiting: [...new Set(engines.flatMap((engine) => engine.waiting))],
      maxLora: Math.max(...engines.map((engine) => engine.maxLora)),
    };
  }
}

function names(joined: string | undefined): string[] {
  if (!joined) return [];
  return [...new Set(joined.split(',').map((name) => name.trim()))].filter((name) => name !== '');
}

/** `a="x",b="y\"z"` -> a map, with Prometheus escapes (\\, \", \n) undone; undefined when malformed. */
export function parseLabels(text: string): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === ' ' || text[i] === ',')) i++;
    if (i >= text.length) break;
    const eq = text.indexOf('=', i);
    if (eq < 0 || text[eq + 1] !== '"') return undefined;
    const key = text.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\' && j + 1 < text.length) {
        j++;
        value += text[j] === 'n' ? '\n' : text[j];
      } else value += text[j];
    }
    if (j >= text.length) return undefined;
    fields.set(key, value);
    i = j + 1;
  }
  return fields;
}
