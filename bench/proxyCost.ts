// Proxy cost: what a proxy adds to small requests and to each SSE event, how many requests/s it forwards on one
// core, and its memory with 1,000 open streams. Against a trivial backend (echoWorker) so the proxy is what is timed;
// direct-to-backend runs in the same process run are the baseline.

import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { writeBenchConfig } from './benchConfig';
import { rssBytes, startServe, startWorker } from './childProcess';
import type { EchoWorkerReady } from './echoWorker';
import { startGateway } from './gateways';
import { type Distribution, distribution } from './stats';
import { splitEvents } from './streamRequest';

export type ProxyName = 'direct' | 'sidecar' | 'nginx' | 'haproxy';

export interface ProxyCostPlan {
  /** Requests per latency run (per concurrency level). */
  latencyRequests: number;
  concurrencies: number[];
  streams: number;
  eventsPerStream: number;
  eventIntervalMs: number;
  throughputSeconds: number;
  throughputConcurrency: number;
  openStreams: number;
}

export interface ProxyCostResult {
  proxy: ProxyName;
  /** Latency of small non-streaming requests per concurrency level, ms. */
  latency: Record<number, Distribution>;
  /** Delay from the backend writing an event to the client reading it, ms. */
  eventDelay: Distribution;
  maxRequestsPerSecond: number;
  /** RSS of the proxy process(es) idle and with the open streams, bytes (0 for direct). */
  rssIdle: number;
  rssWithStreams: number;
  /** Streams that were open (first event received) when RSS was read. */
  streamsOpen: number;
  errors: number;
}

const wallNow = () => performance.timeOrigin + performance.now();

async function latencyRun(
  url: string,
  requests: number,
  concurrency: number,
): Promise<{ d: Distribution; errors: number }> {
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  const body = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 });
  const deadline = Date.now() + 60_000;
  const worker = async () => {
    while (next < requests && Date.now() < deadline) {
      next++;
      const t0 = performance.now();
      try {
        const response = await request(`${url}/v1/chat/completions`, {
          method: 'POST',
          dispatcher,
          headers: { 'content-type': 'application/json' },
          body,
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        await response.body.text();
        if (response.statusCode === 200) times.push(performance.now() - t0);
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  try {
    // Warm-up: open the connections first.
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    times.splice(0, Math.min(times.length, concurrency));
    return { d: distribution(times), errors };
  } finally {
    await dispatcher.close();
  }
}

async function eventDelayRun(url: string, plan: ProxyCostPlan): Promise<{ d: Distribution; errors: number }> {
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
      let buffer = '';
      for await (const piece of response.body as AsyncIterable<string>) {
        const now = wallNow();
        buffer += piece;
        const { events, rest } = splitEvents(buffer);
        buffer = rest;
        for (const event of events) {
          const match = /"t":([0-9.]+)/.exec(event);
          if (match) delays.push(now - Number(match[1]));
        }
      }
    } catch {
      errors++;
    }
  };
  try {
    await Promise.all(Array.from({ length: plan.streams }, () => one()));
    return { d: distribution(delays), errors };
  } finally {
    await dispatcher.close();
  }
}

async function throughputRun(url: string, seconds: number, concurrency: number): Promise<number> {
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const body = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 });
  let done = 0;
  let counting = false;
  const warmEnd = performance.now() + 500;
  const end = warmEnd + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      try {
        const response = await request(`${url}/v1/chat/completions`, {
          method: 'POST',
          dispatcher,
          headers: { 'content-type': 'application/json' },
          body,
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        await response.body.text();
        if (!counting && performance.now() >= warmEnd) counting = true;
        if (counting && response.statusCode === 200) done++;
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

async function measure(proxy: ProxyName, url: string, pid: number, plan: ProxyCostPlan): Promise<ProxyCostResult> {
  const readRss = () => (pid > 0 ? rssBytes(pid, (path) => readFileSync(path, 'utf8')) : 0);
  let errors = 0;
  const latency: Record<number, Distribution> = {};
  for (const concurrency of plan.concurrencies) {
    const run = await latencyRun(url, plan.latencyRequests, concurrency);
    latency[concurrency] = run.d;
    errors += run.errors;
  }
  const events = await eventDelayRun(url, plan);
  errors += events.errors;
  const maxRequestsPerSecond = await throughputRun(url, plan.throughputSeconds, plan.throughputConcurrency);
  const rssIdle = readRss();
  const streams = await openStreamsRss(url, pid, plan.openStreams);
  return {
    proxy,
    latency,
    eventDelay: events.d,
    maxRequestsPerSecond,
    rssIdle,
    rssWithStreams: streams.rss,
    streamsOpen: streams.open,
    errors,
  };
}

export async function runProxyCost(plan: ProxyCostPlan, log: (line: string) => void): Promise<ProxyCostResult[]> {
  const backend = await startWorker<EchoWorkerReady>('echo', {});
  const results: ProxyCostResult[] = [];
  const written = writeBenchConfig({
    replicas: [{ url: backend.ready.url, name: 'echo' }],
    algorithm: 'least-connections',
    engineIntervalMs: 0,
    healthIntervalMs: 5000,
  });
  try {
    for (const proxy of ['direct', 'sidecar', 'nginx', 'haproxy'] as const) {
      let url = backend.ready.url;
      let pid = 0;
      let stop = async () => {};
      if (proxy === 'sidecar') {
        const serve = await startServe(written.file);
        ({ url, pid } = serve);
        stop = serve.stop;
      } else if (proxy !== 'direct') {
        const gateway = await startGateway(proxy, written.config);
        ({ url, pid } = gateway);
        stop = gateway.stop;
      }
      try {
        const result = await measure(proxy, url, pid, plan);
        results.push(result);
        log(
          `proxy ${proxy.padEnd(8)} ` +
            plan.concurrencies
              .map((c) => `c${c} p50 ${result.latency[c]!.p50.toFixed(2)} p99 ${result.latency[c]!.p99.toFixed(2)} ms`)
              .join(', ') +
            `; event p50 ${result.eventDelay.p50.toFixed(2)} p99 ${result.eventDelay.p99.toFixed(2)} ms; ` +
            `${result.maxRequestsPerSecond.toFixed(0)} req/s; RSS ${(result.rssIdle / 2 ** 20).toFixed(1)} -> ` +
            `${(result.rssWithStreams / 2 ** 20).toFixed(1)} MiB with ${result.streamsOpen} streams; errors ${result.errors}`,
        );
      } finally {
        await stop();
      }
    }
  } finally {
    written.remove();
    await backend.stop();
  }
  return results;
}
