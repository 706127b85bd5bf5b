// The fairness part (issue 21): one sidecar in gateway mode with two users in front of the simulated fleet. First the
// quiet user alone (its unloaded TTFT p90), then the same requests while the other user floods with enough
// concurrency to fill the fair-share gate and its own queue. The target: the quiet user's TTFT p90 under the flood
// within 1.5x of its unloaded value. Bounded: a fixed count of quiet requests, the flood stops when they are done or
// at a time cap, whichever comes first.
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { startServe } from './childProcess';
import { seededRandom } from './random';
import { startBenchFleet } from './simFleet';
import { distribution } from './stats';
import { streamChat } from './streamRequest';
import { fillerText } from './text';
import type { BenchRequest } from './workloads';

export interface FairnessPlan {
  replicas: number;
  kvBlocks: number;
  timeScale: number;
  /** Sequential requests of the quiet user, alone and then under the flood. */
  quietRequests: number;
  quietPromptTokens: number;
  quietMaxTokens: number;
  /** Concurrent request loops of the flooding user: more than the gate's 32 per replica plus its queue of 64 hold. */
  floodConcurrency: number;
  floodPromptTokens: number;
  floodMaxTokens: number;
  /** Real seconds the flood may last at most. */
  floodCapSeconds: number;
  /** Real seconds the flooder runs alone (after its ramp), for its throughput without a second user. */
  floodAloneSeconds: number;
  /** The flood runs this long (real ms) before the quiet user starts, so the fleet is saturated. */
  floodRampMs: number;
  target: number;
}

export function makeFairnessPlan(): FairnessPlan {
  return {
    replicas: 2,
    kvBlocks: 6300,
    // Slow motion: 64 streams at ~120 tokens/s each modelled are ~7,500 SSE events/s; at 4x they are ~1,900/s real,
    // which the sidecar, the load generator and the simulator can carry on 2 cores, so the figures show the gate,
    // not CPU starvation (at 0.5x the quiet user's TTFT grew 5x from event-loop lag alone).
    timeScale: 4,
    quietRequests: 60,
    quietPromptTokens: 400,
    quietMaxTokens: 16,
    floodConcurrency: 144,
    floodPromptTokens: 400,
    floodMaxTokens: 64,
    floodCapSeconds: 90,
    floodAloneSeconds: 20,
    floodRampMs: 4000,
    target: 1.5,
  };
}

export interface FloodFigures {
  completed: number;
  rateLimited: number;
  failed: number;
  /** Per modelled second. */
  requestsPerSecond: number;
  outTokensPerSecond: number;
}

export interface FairnessResult {
  plan: FairnessPlan;
  /** Modelled ms. */
  quietAlone: { ttftP50: number; ttftP90: number; ok: number; failed: number };
  quietFlooded: { ttftP50: number; ttftP90: number; ok: number; failed: number };
  /** The flooder while the quiet user runs. */
  flood: FloodFigures;
  /** The flooder alone (absent in results saved before it was measured). */
  floodAlone?: FloodFigures;
  /** quietFlooded.ttftP90 / quietAlone.ttftP90. */
  ratio: number;
}

const TOKENS = { quiet: 'bench-quiet-user-token', flood: 'bench-flood-user-token' };

function configYaml(urls: readonly string[], names: readonly string[], timeScale: number): string {
  return [
    'algorithm: least-connections',
    `engineMetrics: { interval: ${Math.max(100, Math.round(2000 * timeScale))}ms }`,
    'shutdownGrace: 2s',
    'users:',
    `  - { name: quiet, token: "${TOKENS.quiet}" }`,
    `  - { name: flood, token: "${TOKENS.flood}" }`,
    'pools:',
    '  - name: main',
    `    healthCheck: { interval: ${Math.max(200, Math.round(5000 * timeScale))}ms, timeout: 2s }`,
    '    timeouts: { connect: 5s, firstByte: 600s, idle: 600s }',
    '    replicas:',
    ...urls.map((url, i) => `      - { url: "${url}", name: ${names[i]} }`),
    '',
  ].join('\n');
}

function request(random: () => number, label: string, promptTokens: number, maxTokens: number): BenchRequest {
  return {
    messages: [{ role: 'user', content: fillerText(random, promptTokens, label) }],
    maxTokens,
    promptTokens,
  };
}

export async function runFairness(plan: FairnessPlan, log: (line: string) => void): Promise<FairnessResult> {
  const fleet = await startBenchFleet({
    replicas: plan.replicas,
    kvBlocks: plan.kvBlocks,
    timeScale: plan.timeScale,
    seed: 21,
  });
  const dir = mkdtempSync(join(tmpdir(), 'vllm-pools-fairness-'));
  const file = join(dir, 'vllm-pools.yaml');
  writeFileSync(file, configYaml(fleet.urls, fleet.names, plan.timeScale));
  const dispatcher = new Agent({ connections: plan.floodConcurrency + 16, pipelining: 1 });
  let sidecar: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    sidecar = await startServe(file);
    const url = sidecar.url;
    const random = seededRandom(21);
    let sent = 0;
    const send = (user: keyof typeof TOKENS, bench: BenchRequest, signal: AbortSignal) =>
      streamChat({ url, headers: { authorization: `Bearer ${TOKENS[user]}` } }, bench, {
        dispatcher,
        model: fleet.model,
        timeScale: plan.timeScale,
        signal,
        sentMs: 0,
        key: `${user}-${sent++}`,
      });
    const quietRun = async () => {
      const ttfts: number[] = [];
      let failed = 0;
      for (let i = 0; i < plan.quietRequests; i++) {
        const record = await send(
          'quiet',
          request(random, `quiet ${i} ${sent}`, plan.quietPromptTokens, plan.quietMaxTokens),
          AbortSignal.timeout(60_000),
        );
        if (record.ok && record.ttftMs !== undefined) ttfts.push(record.ttftMs);
        else failed++;
      }
      const d = distribution(ttfts);
      return { ttftP50: d.p50, ttftP90: d.p90, ok: ttfts.length, failed };
    };

    /**
     * floodConcurrency loops, each sending its next request as soon as the last ended (or was refused), from now
     * until `during` has resolved, or for capMs (real) without it; figures per modelled second.
     */
    const flood = async (capMs: number, during?: () => Promise<void>): Promise<FloodFigures> => {
      const stop = new AbortController();
      // Every flood loop's request listens to it (plan.floodConcurrency of them): not a leak.
      setMaxListeners(0, stop.signal);
      const figures = { completed: 0, rateLimited: 0, failed: 0, outTokens: 0 };
      // Throughput counts what ends after the ramp (floodRampMs): 144 loops starting at once are no steady state.
      const countFrom = performance.now() + plan.floodRampMs;
      const capTimer = setTimeout(() => stop.abort(), capMs);
      const loops = Array.from({ length: plan.floodConcurrency }, async (_, loop) => {
        while (!stop.signal.aborted) {
          const record = await send(
            'flood',
            request(random, `flood ${loop} ${sent}`, plan.floodPromptTokens, plan.floodMaxTokens),
            stop.signal,
          );
          if (stop.signal.aborted) break;
          if (record.ok) {
            if (performance.now() < countFrom) continue;
            figures.completed++;
            figures.outTokens += record.outputTokens;
          } else if (record.status === 429) {
            figures.rateLimited++;
            // As a client honouring Retry-After would: the sidecar says 1 s when the user's queue is full.
            await new Promise((resolve) => setTimeout(resolve, 1000));
          } else figures.failed++;
        }
      });
      if (during) await during();
      else if (!stop.signal.aborted) {
        await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
      }
      stop.abort();
      clearTimeout(capTimer);
      await Promise.all(loops);
      const seconds = Math.max(0.001, (performance.now() - countFrom) / 1000 / plan.timeScale);
      return {
        completed: figures.completed,
        rateLimited: figures.rateLimited,
        failed: figures.failed,
        requestsPerSecond: figures.completed / seconds,
        outTokensPerSecond: figures.outTokens / seconds,
      };
    };

    // Warm-up (not counted), then the quiet user alone.
    await send(
      'quiet',
      request(random, 'warm', plan.quietPromptTokens, plan.quietMaxTokens),
      AbortSignal.timeout(30_000),
    );
    const quietAlone = await quietRun();
    log(`fairness: quiet alone ttft p90 ${quietAlone.ttftP90.toFixed(0)} ms (${quietAlone.ok} ok)`);

    // The flooder alone (its throughput without a second user: the gate's fair-share rules must not cost it).
    const floodAlone = await flood(plan.floodRampMs + plan.floodAloneSeconds * 1000);
    log(
      `fairness: flood alone ${floodAlone.requestsPerSecond.toFixed(1)} req/s, ` +
        `${floodAlone.outTokensPerSecond.toFixed(0)} out tok/s (${floodAlone.completed} done, ${floodAlone.failed} failed)`,
    );

    // Then the flood again while the quiet user sends its requests.
    let quietFlooded = { ttftP50: Number.NaN, ttftP90: Number.NaN, ok: 0, failed: 0 };
    const floodUnder = await flood(plan.floodCapSeconds * 1000, async () => {
      await new Promise((resolve) => setTimeout(resolve, plan.floodRampMs));
      quietFlooded = await quietRun();
    });
    log(
      `fairness: quiet flooded ttft p90 ${quietFlooded.ttftP90.toFixed(0)} ms (${quietFlooded.ok} ok); flood ` +
        `${floodUnder.completed} done, ${floodUnder.rateLimited} 429, ${floodUnder.failed} failed, ` +
        `${floodUnder.requestsPerSecond.toFixed(1)} req/s`,
    );
    return {
      plan,
      quietAlone,
      quietFlooded,
      flood: floodUnder,
      floodAlone,
      ratio: quietFlooded.ttftP90 / quietAlone.ttftP90,
    };
  } finally {
    await sidecar?.stop();
    await dispatcher.close();
    await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
