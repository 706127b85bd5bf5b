// How the dashboard writes figures: short, fixed units, an em dash for "no data".
import type { EngineLora } from '../../core/protocol';

export const NO_VALUE = '—';

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NO_VALUE;
  if (ms < 10) return `${trimZero(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trimZero((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
  return formatAge(ms);
}

/** p50 / p95 in one cell: "82 / 240 ms". */
export function formatMsPair(p50: number | null | undefined, p95: number | null | undefined): string {
  if (p50 === null || p50 === undefined || p95 === null || p95 === undefined) return NO_VALUE;
  const a = formatMs(p50);
  const b = formatMs(p95);
  const unitA = a.slice(a.lastIndexOf(' '));
  const unitB = b.slice(b.lastIndexOf(' '));
  return unitA === unitB ? `${a.slice(0, -unitA.length)} / ${b}` : `${a} / ${b}`;
}

/** Rates (requests/s, tokens/s): one decimal below 10, whole numbers above, grouped by thousands. */
export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  if (value === 0) return '0';
  if (Math.abs(value) < 10) return trimZero(value.toFixed(1));
  return formatCount(Math.round(value));
}

/** The engine's LoRA adapters: "sql-lora, py-lora of 2 · waiting docs-lora", "none of 2". */
export function formatLora(lora: EngineLora): string {
  const running = lora.running.length > 0 ? lora.running.join(', ') : 'none';
  const waiting = lora.waiting.length > 0 ? ` · waiting ${lora.waiting.join(', ')}` : '';
  return `${running} of ${lora.maxLora}${waiting}`;
}

/** A fraction (0..1) as a percentage. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return NO_VALUE;
  const percent = fraction * 100;
  if (percent === 0) return '0%';
  if (percent < 10) return `${trimZero(percent.toFixed(1))}%`;
  return `${Math.round(percent)}%`;
}

export function formatCount(value: number): string {
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(value)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A duration as a stream age: "850 ms", "12s", "2m 05s", "1h 02m". */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return NO_VALUE;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${pad2(seconds % 60)}s`;
  return `${Math.floor(minutes / 60)}h ${pad2(minutes % 60)}m`;
}

/** Local wall-clock time of an epoch ms: "14:03:27". */
export function formatClock(epochMs: number): string {
  const date = new Date(epochMs);
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function trimZero(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/**
 * Why a replica is out, said once: its reason, then its last error only when the reason does not already contain it
 * (a failed health check's reason is "health check: <the last error>").
 */
export function replicaWhy(replica: { reason: string | null; lastError: string | null }): string {
  const { reason, lastError } = replica;
  const parts: string[] = [];
  if (reason) parts.push(reason);
  if (lastError && !(reason ?? '').includes(lastError)) parts.push(`last error: ${lastError}`);
  return parts.join(' · ');
}
