// Helpers for the simulator's integration tests: SSE reading (core/sse) and polling with a deadline.
import { SseParser } from '../../../core/sse/parser';

export { waitFor } from '../../support/waitFor';

export interface SseResult {
  status: number;
  headers: Headers;
  /** The JSON payloads of `data:` events, in order ([DONE] excluded). */
  events: Array<Record<string, unknown>>;
  done: boolean;
  raw: string;
}

export async function postSse(url: string, body: unknown, headers: Record<string, string> = {}): Promise<SseResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  const events: Array<Record<string, unknown>> = [];
  let done = false;
  for (const { data } of new SseParser().push(raw)) {
    if (data === '[DONE]') done = true;
    else events.push(JSON.parse(data) as Record<string, unknown>);
  }
  return { status: res.status, headers: res.headers, events, done, raw };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** The value of a sample in Prometheus text, by metric name and a label filter (undefined if absent). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
