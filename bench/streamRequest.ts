// One streamed request with the timings `vllm bench serve` records: TTFT, every gap between content chunks,
// end-to-end latency, output tokens from the stream's usage. Sent as Chat Completions, or as an agent sends it (the
// Responses API, Anthropic Messages: agentWire.ts), read by the protocol's stream reader (agentStreams.ts).
import { type Dispatcher, request } from 'undici';
import { SseParser } from '../core/sse/parser';
import { readStreamMessage } from './agentStreams';
import { type AgentProtocol, wireRequest } from './agentWire';
import type { RequestRecord } from './stats';
import type { BenchRequest } from './workloads';

export interface StreamTarget {
  /** Base URL (no /v1). */
  url: string;
  headers: Record<string, string>;
  /** Replica name when the client itself chose it (direct, limit, peer). */
  replica?: string;
  /** Called once when the request ended (the in-process peer router counts its in-flight requests). */
  done?(): void;
}

export interface StreamOptions {
  dispatcher: Dispatcher;
  model: string;
  /** Real ms are divided by this to give modelled ms. */
  timeScale: number;
  signal: AbortSignal;
  /** Offset of the send from the run's start, modelled ms. */
  sentMs: number;
  key: string;
  /** Wire protocol; chat when absent. */
  protocol?: AgentProtocol;
}

export async function streamChat(
  target: StreamTarget,
  bench: BenchRequest,
  options: StreamOptions,
): Promise<RequestRecord> {
  const scale = options.timeScale;
  const t0 = performance.now();
  const record: RequestRecord = {
    key: options.key,
    sentMs: options.sentMs,
    itlMs: [],
    e2elMs: 0,
    promptTokens: bench.promptTokens,
    outputTokens: 0,
    status: 0,
    ok: false,
    ...(target.replica ? { replica: target.replica } : {}),
  };
  let chunks = 0;
  try {
    const protocol = options.protocol ?? 'chat';
    const wire = wireRequest(protocol, bench, options.model, options.key);
    const response = await request(`${target.url}${wire.path}`, {
      method: 'POST',
      dispatcher: options.dispatcher,
      signal: options.signal,
      headers: { 'content-type': 'application/json', ...wire.headers, ...target.headers },
      body: JSON.stringify(wire.body),
      headersTimeout: 600_000,
      bodyTimeout: 600_000,
    });
    record.status = response.statusCode;
    const replica = response.headers['x-vllm-pools-replica'];
    if (typeof replica === 'string') record.replica = replica;
    let last = 0;
    const parser = new SseParser();
    let sawDone = false;
    response.body.setEncoding('utf8');
    for await (const piece of response.body as AsyncIterable<string>) {
      const now = performance.now();
      for (const message of parser.push(piece)) {
        const reading = readStreamMessage(protocol, message);
        if (reading.done) sawDone = true;
        if (reading.error !== undefined) record.error = reading.error;
        if (reading.output) {
          if (chunks === 0) record.ttftMs = (now - t0) / scale;
          else record.itlMs.push((now - last) / scale);
          last = now;
          chunks++;
        }
        if (reading.usageTokens !== undefined) record.outputTokens = reading.usageTokens;
      }
    }
    if (record.outputTokens === 0) record.outputTokens = chunks;
    record.ok = record.status === 200 && sawDone && record.error === undefined && chunks > 0;
    if (!record.ok && !record.error) record.error = `status ${record.status}${sawDone ? '' : ', no end of stream'}`;
  } catch (error) {
    record.error = (error as Error).message;
  }
  record.e2elMs = (performance.now() - t0) / scale;
  return record;
}
