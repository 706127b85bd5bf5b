// Proxy cost: what a proxy adds to small requests and to each SSE event, how many requests/s it forwards on one
// core, and its memory with 1,000 open streams. Against a trivial backend (echoWorker) so the proxy is what is timed;
// direct-to-backend runs in the same process run are the baseline.

import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { SseParser } from '../core/sse/parser';
import { writeBenchConfig } from './benchConfig';
import { cpuMs, rssBytes, startServe, startWorker } from './childProcess';
import type { EchoWorkerReady } from './echoWorker';
import { startGateway } from './gateways';
import type { NodeProxyWorkerOptions, NodeProxyWorkerReady } from './nodeProxyWorker';
import { type Distribution, distribution } from './stats';

/** `haproxy-as-exported`: the export as written (it sets `option http-no-delay`), without the benchmark's tuning. */
/** `node-minimal`: the least a Node.js proxy does (nodeProxyWorker.ts), the floor of Node's HTTP stack. */
export type ProxyName = 'direct' | 'sidecar' | 'node-minimal' | 'nginx' | 'haproxy' | 'haproxy-as-exported';

export interface ProxyCostPlan {
  /** Total request rate of the latency runs (paced); 0 runs them as a closed loop. Default 1,000. */
  pacedRate?: number;
  /** Requests per latency run (per concurrency level). */
  latencyRequests: number;
  concurrencies: number[];
  streams: number;
  eventsPerStream: number;
  eventIntervalMs: number;
  throughputSeconds: number;
  throughputConcurrency: number;
  openStreams: number;
  /** Streams of the CPU run (all at once, `cpuEvents` events each, 5 ms apart); default 200 x 50. */
  cpuStreams?: number;
  cpuEvents?: number;
}

export interface ProxyCostResult {
  proxy: ProxyName;
  /** Latency of small non-streaming requests per concurrency level, ms. */
  latency: Record<number, Distribution>;
  /** Delay from the backend writing an event to the client reading it, ms. */
  eventDelay: Distribution;
  maxRequestsPerSecond: number;
  /** CPU time (user + system) of the proxy process(es) per streamed request, ms (0 for direct). */
  cpuMsPerStream?: number;
  /** RSS of the proxy process(es) idle and with the open streams, bytes (0 for direct). */
  rssIdle: number;
  rssWithStreams: number;
  /** Streams that were open (first event received) when RSS was read. */
  streamsOpen: number;
  errors: number;
}

const wallNow = () => performance.timeOrigin + performance.now();

/** Total request rate of a latency run: each of N connections sends one request every N / rate seconds. */
export const DEFAULT_PACED_RATE = 1000;

async function latencyRun(
  url: string,
  requests: number,
  concurrency: number,
  pacedRate = DEFAULT_PACED_RATE,
): Promise<{ times: number[]; errors: number }> {
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = Date.now() + 60_000;
  const worker = async () => {
    while (next < requests && Date.now() < deadline) {
      next++;
      const t0 = performance.now();
      try {
        const status = await postEcho(url, dispatcher);
        if (status === 200) times.push(performance.now() - t0);
        else errors++;
      } catch {
        errors++;
      }
      // Paced, not a closed loop: on a shared 2-core machine a closed loop measures CPU queueing, not the proxy.
      const pause = pacedRate > 0 ? (concurrency * 1000) / pacedRate - (performance.now() - t0) : 0;
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
  try {
    // Warm-up: open the connections first.
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    if (times.length > 4 * concurrency) times.splice(0, concurrency);
    return { times, errors };
  } finally {
    await dispatcher.close();
  }
}

async function eventDelayRun(url: string, plan: ProxyCostPlan): Promise<{ delays: number[]; errors: number }> {
  const dispatcher = new Agent({ connections: plan.streams });
  const delays: number[] = [];
  let errors = 0;
  const one = async () => {
    try {
      const response = await request(`${url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'echo',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
          events: plan.eventsPerStream,
          intervalMs: plan.eventIntervalMs,
        }),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      response.body.setEncoding('utf8');
      const parser = new SseParser();
      for await (const piece of response.body as AsyncIterable<string>) {
        const now = wallNow();
        for (const { data } of parser.push(piece)) {
          const match = /"t":([0-9.]+)/.exec(data);
          if (match) delays.push(now - Number(match[1]));
        }
      }
    } catch {
      errors++;
    }
  };
  try {
    await Promise.all(Array.from({ length: plan.streams }, () => one()));
    return { delays, errors };
  } finally {
    await dispatcher.close();
  }
}

/** CPU per streamed request: `streams` streams of `events` events at once; the proxy's CPU time over the run. */
async function cpuRun(
  url: string,
  pid: number,
  streams: number,
  events: number,
): Promise<{ cpuMs: number; errors: number }> {
  const read = (path: string) => readFileSync(path, 'utf8');
  const before = pid > 0 ? cpuMs(pid, read) : 0;
  const run = await eventDelayRun(url, {
    streams,
    eventsPerStream: events,
    eventIntervalMs: 5,
  } as ProxyCostPlan);
  const after = pid > 0 ? cpuMs(pid, read) : 0;
  return { cpuMs: after - before, errors: run.errors };
}

/** The small non-streaming request both loops send, read to the end; its status code. */
const ECHO_BODY = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 });

async function postEcho(url: string, dispatcher: Agent): Promise<number> {
  const response = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json' },
    body: ECHO_BODY,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  await response.body.text();
  return response.statusCode;
}

async function throughputRun(url: string, seconds: number, concurrency: number): Promise<number> {
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  let done = 0;
  let counting = false;
  const warmEnd = performance.now() + 500;
  const end = warmEnd + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      try {
        const status = await postEcho(url, dispatcher);
        if (!counting && performance.now() >= warmEnd) counting = true;
        if (counting && status === 200) done++;
      } catch {
        // counted as not done
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    return done / seconds;
  } finally {
    await dispatcher.close();
  }
}

/** Opens `count` held streams, waits until each got its first event (bounded), reads RSS, closes them. */
async function openStreamsRss(url: string, pid: number, count: number): Promise<{ rss: number; open: number }> {
  const dispatcher = new Agent({ connections: count + 16, keepAliveTimeout: 5_000 });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  let open = 0;
  const streams = Array.from({ length: count }, async () => {
    try {
      const response = await request(`${url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher,
        signal: abort.signal,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo', stream: true, hold: true, holdMaxMs: 60_000, messages: [] }),
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      let counted = false;
      for await (const _piece of response.body) {
        if (!counted) {
          counted = true;
          open++;
        }
      }
    } catch {
      // aborted at the end, or refused
    }
  });
  const deadline = Date.now() + 30_000;
  while (open < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const rss = pid > 0 ? rssBytes(pid, (path) => readFileSync(path, 'utf8')) : 0;
  const seen = open;
  abort.abort();
  await Promise.allSettled(streams);
  await dispatcher.close().catch(() => {});
  return { rss, open: seen };
}

interface Proxy {
  name: ProxyName;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Rounds of each measurement, the proxies taking turns within a round, so a change in machine load hits all alike. */
const ROUNDS = 4;

async function measureAll(proxies: Proxy[], plan: ProxyCostPlan): Promise<ProxyCostResult[]> {
  const readRss = (pid: number) => (pid > 0 ? rssBytes(pid, (path) => readFileSync(path, 'utf8')) : 0);
  const latency = new Map(proxies.map((p) => [p.name, new Map<number, number[]>()]));
  const delays = new Map(proxies.map((p) => [p.name, [] as number[]]));
  const rates = new Map(proxies.map((p) => [p.name, [] as number[]]));
  const errors = new Map(proxies.map((p) => [p.name, 0]));
  const cpu = new Map(proxies.map((p) => [p.name, 0]));
  const cpuStreams = plan.cpuStreams ?? 200;
  const cpuEvents = plan.cpuEvents ?? 50;
  for (let round = 0; round < ROUNDS; round++) {
    for (const concurrency of plan.concurrencies) {
      for (const p of proxies) {
        const run = await latencyRun(p.url, Math.ceil(plan.latencyRequests / ROUNDS), concurrency, plan.pacedRate);
        const list = latency.get(p.name)!.get(concurrency) ?? [];
        list.push(...run.times);
        latency.get(p.name)!.set(concurrency, list);
        errors.set(p.name, errors.get(p.name)! + run.errors);
      }
    }
    for (const p of proxies) {
      const run = await eventDelayRun(p.url, { ...plan, eventsPerStream: Math.ceil(plan.eventsPerStream / ROUNDS) });
      delays.get(p.name)!.push(...run.delays);
      errors.set(p.name, errors.get(p.name)! + run.errors);
    }
    for (const p of proxies) {
      const run = await cpuRun(p.url, p.pid, cpuStreams, cpuEvents);
      cpu.set(p.name, cpu.get(p.name)! + run.cpuMs);
      errors.set(p.name, errors.get(p.name)! + run.errors);
    }
    for (const p of proxies) {
      rates.get(p.name)!.push(await throughputRun(p.url, plan.throughputSeconds / ROUNDS, plan.throughputConcurrency));
    }
  }
  const results: ProxyCostResult[] = [];
  for (const p of proxies) {
    const rssIdle = readRss(p.pid);
    const streams = await openStreamsRss(p.url, p.pid, plan.openStreams);
    const perLevel: Record<number, Distribution> = {};
    for (const [c, times] of latency.get(p.name)!) perLevel[c] = distribution(times);
    const r = rates.get(p.name)!;
    results.push({
      proxy: p.name,
      latency: perLevel,
      eventDelay: distribution(delays.get(p.name)!),
      maxRequestsPerSecond: r.reduce((sum, v) => sum + v, 0) / r.length,
      cpuMsPerStream: cpu.get(p.name)! / (cpuStreams * ROUNDS),
      rssIdle,
      rssWithStreams: streams.rss,
      streamsOpen: streams.open,
      errors: errors.get(p.name)!,
    });
  }
  return results;
}

export async function runProxyCost(plan: ProxyCostPlan, log: (line: string) => void): Promise<ProxyCostResult[]> {
  const backend = await startWorker<EchoWorkerReady>('echo', {});
  const written = writeBenchConfig({
    replicas: [{ url: backend.ready.url, name: 'echo' }],
    algorithm: 'least-connections',
    engineIntervalMs: 0,
    healthIntervalMs: 5000,
  });
  const proxies: Proxy[] = [{ name: 'direct', url: backend.ready.url, pid: 0, stop: async () => {} }];
  try {
    const serve = await startServe(written.file);
    proxies.push({ name: 'sidecar', url: serve.url, pid: serve.pid, stop: serve.stop });
    const floor = await startWorker<NodeProxyWorkerReady>('node-proxy', {
      backend: backend.ready.url,
    } satisfies NodeProxyWorkerOptions);
    proxies.push({ name: 'node-minimal', url: floor.ready.url, pid: floor.child.pid ?? 0, stop: floor.stop });
    for (const kind of ['nginx', 'haproxy'] as const) {
      const gateway = await startGateway(kind, written.config);
      proxies.push({ name: kind, url: gateway.url, pid: gateway.pid, stop: gateway.stop });
    }
    const plain = await startGateway('haproxy', written.config, { haproxyNoDelay: false });
    proxies.push({ name: 'haproxy-as-exported', url: plain.url, pid: plain.pid, stop: plain.stop });
    // Warm every path (JIT, sockets) before anything is measured.
    for (const p of proxies) await latencyRun(p.url, 300, plan.concurrencies[0] ?? 16);
    const results = await measureAll(proxies, plan);
    for (const result of results) {
      log(
        `proxy ${result.proxy.padEnd(8)} ` +
          plan.concurrencies
            .map((c) => `c${c} p50 ${result.latency[c]!.p50.toFixed(2)} p99 ${result.latency[c]!.p99.toFixed(2)} ms`)
            .join(', ') +
          `; event p50 ${result.eventDelay.p50.toFixed(2)} p99 ${result.eventDelay.p99.toFixed(2)} ms; ` +
          `${result.maxRequestsPerSecond.toFixed(0)} req/s; CPU ${(result.cpuMsPerStream ?? 0).toFixed(2)} ms/stream; RSS ${(result.rssIdle / 2 ** 20).toFixed(1)} -> ` +
          `${(result.rssWithStreams / 2 ** 20).toFixed(1)} MiB with ${result.streamsOpen} streams; errors ${result.errors}`,
      );
    }
    return results;
  } finally {
    for (const p of proxies) await p.stop();
    written.remove();
    await backend.stop();
  }
}
