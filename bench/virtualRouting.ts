// Routing in modelled time only: the simulator's engines and the sidecar's balancers on one manual clock, no HTTP, no
// processes. On a busy 2-core machine the real bench's TTFT p90 moves by 2x between identical runs (every modelled
// delay is real time × scale, so CPU starvation is modelled latency); this runs the same workloads deterministically in
// a second, for comparing routing rules over many seeds. It models what the rules see (one scrape per sidecar per
// interval, at its own phase; each sidecar's own in-flight counts) and not what a proxy costs.
import type { AlgorithmId } from '../core/protocol';
import { createBalancer } from '../sidecar/balancer/registry';
import { renderPrompt, toRoutedRequest } from '../sidecar/balancer/routedRequest';
import type { Balancer, EngineLoad, ReplicaView } from '../sidecar/balancer/types';
import { ManualClock } from '../sim/clock';
import { Engine } from '../sim/engine/engine';
import { H100_LLAMA_8B } from '../sim/profiles';
import { tokenize } from '../sim/tokenizer';
import { arrivalOffsets } from './arrivals';
import { limitPins, peerText } from './contenders';
import { CacheAwarePeer } from './peerCacheAware';
import { seededRandom } from './random';
import { percentile } from './stats';
import { developerMap } from './team';
import type { Session, Workload } from './workloads';

/** A sidecar algorithm, or a reference: the LIMIT (groups pinned in balanced order) or the open peer (one router). */
export type VirtualContender = AlgorithmId | 'limit' | 'peer';

export interface VirtualRunOptions {
  workload: Workload;
  algorithm: VirtualContender;
  replicas: number;
  /** Sidecars; sessions are split among them as the team bench does (one developer group each). */
  sidecars: number;
  /** Requests per modelled second. */
  rate: number;
  kvBlocks: number;
  seed: number;
  /** Engine scrape interval, ms (the sidecar's default is 2 s). */
  scrapeIntervalMs?: number;
  /** Modelled round trip of an out-of-turn /metrics read before placing a new prefix group, ms (default 20). */
  placementScrapeMs?: number;
}

export interface VirtualRunResult {
  ttftP50: number;
  ttftP90: number;
  hitRate: number;
  /** Share of requests per replica. */
  shares: number[];
  completed: number;
}

interface Sidecar {
  balancer: Balancer;
  scrape: () => void;
  inflight: number[];
  scrapes: (EngineLoad | undefined)[];
}

export function runVirtual(options: VirtualRunOptions): VirtualRunResult {
  const clock = new ManualClock();
  const profile = { ...H100_LLAMA_8B, numGpuBlocks: options.kvBlocks };
  const engines = Array.from({ length: options.replicas }, () => new Engine({ profile, clock }));
  const random = seededRandom(options.seed * 7919 + 17);
  const interval = options.scrapeIntervalMs ?? 2000;
  const placementScrapeMs = options.placementScrapeMs ?? 20;
  const names = engines.map((_, i) => `r${i}`);
  const context = (salt: number) => ({
    random: seededRandom(options.seed * 104729 + salt),
    now: () => clock.now(),
    engineStaleAfterMs: Math.max(4000, 2 * interval),
  });
  const reference = options.algorithm === 'limit' || options.algorithm === 'peer';
  const balancerId: AlgorithmId = reference ? 'round-robin' : (options.algorithm as AlgorithmId);
  const pins = options.algorithm === 'limit' ? limitPins(options.workload.sessions, options.replicas) : undefined;
  const peer = options.algorithm === 'peer' ? new CacheAwarePeer(options.replicas, () => clock.now()) : undefined;
  const readEngines = () =>
    engines.map((engine) => ({
      running: engine.numRunning,
      waiting: engine.numWaiting + (engine.numInFlight - engine.numRunning - engine.numWaiting),
      kvCacheUsage: engine.kvUsage,
      scrapedAt: clock.now(),
      prefixQueries: engine.stats.prefixCacheQueries,
      prefixHits: engine.stats.prefixCacheHits,
    }));
  const sidecars: Sidecar[] = Array.from({ length: reference ? 1 : options.sidecars }, (_, s) => {
    const sidecar: Sidecar = {
      balancer: createBalancer(balancerId, context(s)),
      inflight: engines.map(() => 0),
      scrapes: engines.map(() => undefined),
      scrape: () => {
        sidecar.scrapes = readEngines();
      },
    };
    return sidecar;
  });
  // Each sidecar scrapes every engine once per interval, at its own phase.
  sidecars.forEach((sidecar) => {
    const scrape = () => {
      sidecar.scrape();
      clock.setTimer(scrape, interval);
    };
    clock.setTimer(scrape, random() * interval);
  });
  const views = (sidecar: Sidecar): ReplicaView[] =>
    names.map((name, i) => ({
      name,
      url: `http://${name}.invalid:8000`,
      weight: 1,
      inflight: sidecar.inflight[i]!,
      ttftEwmaMs: undefined,
      engine: sidecar.scrapes[i],
      cacheTokens: options.kvBlocks * profile.blockSize,
      engineReadMs: sidecar.scrapes[i] ? placementScrapeMs : undefined,
    }));

  const sidecarOf = developerMap(options.workload.sessions, options.sidecars);
  const sessions = options.workload.sessions;
  const next = new Map<Session, number>(sessions.map((s) => [s, 0]));
  const idle = new Set<Session>(sessions);
  const total = sessions.reduce((sum, s) => sum + s.turns.length, 0);
  const offsets = arrivalOffsets({ rate: options.rate, count: total, random });
  const ttfts: number[] = [];
  const served = engines.map(() => 0);
  let backlog = 0;

  const send = (session: Session) => {
    const turn = next.get(session)!;
    next.set(session, turn + 1);
    const request = session.turns[turn]!;
    const body = { model: profile.model, messages: request.messages, max_tokens: request.maxTokens, stream: true };
    const headers = { 'x-session-id': session.key };
    const routed = toRoutedRequest(body, headers, '/v1/chat/completions');
    const sidecar = sidecars[reference ? 0 : (sidecarOf.get(session.key) ?? 0)]!;
    const arrivedAt = clock.now();
    const route = () => {
      const candidates = views(sidecar);
      const index = pins
        ? pins.get(session.key)!
        : peer
          ? peer.route(peerText(request)).worker
          : names.indexOf((sidecar.balancer.pick(candidates, routed) ?? candidates[0]!).name);
      sidecar.inflight[index]! += 1;
      sidecar.balancer.onStart?.(views(sidecar)[index]!, routed);
      const sentAt = arrivedAt;
      let first: number | undefined;
      engines[index]!.submit(
        { promptTokens: tokenize(renderPrompt(body)), outputLength: request.maxTokens, finishReason: 'length' },
        {
          onToken: () => {
            first ??= clock.now() - sentAt;
          },
          onFinish: () => {
            ttfts.push(first ?? clock.now() - sentAt);
            served[index]! += 1;
            sidecar.inflight[index]! -= 1;
            peer?.finish(index);
            sidecar.balancer.onFinish?.(views(sidecar)[index]!, routed, { ok: true, ttftMs: first ?? 0 });
            idle.add(session);
            if (backlog > 0) {
              backlog -= 1;
              arrive();
            }
          },
        },
      );
    };
    // The balancer's prepare() would read /metrics again first (a new prefix group): the engines are read after the
    // modelled round trip, and the request waits for it.
    const candidates = views(sidecar);
    if (sidecar.balancer.wantsFreshEngine?.(candidates, routed)) {
      clock.setTimer(() => {
        sidecar.scrape();
        route();
      }, placementScrapeMs);
    } else route();
  };
  // An arrival takes a random idle session with turns left; none idle: it waits for the next answer (load generator).
  const arrive = () => {
    const ready = [...idle].filter((s) => next.get(s)! < s.turns.length);
    if (ready.length === 0) {
      backlog += 1;
      return;
    }
    const session = ready[Math.floor(random() * ready.length)]!;
    idle.delete(session);
    send(session);
  };
  for (const offset of offsets) clock.setTimer(arrive, offset);
  clock.runUntil(() => ttfts.length >= total, 50_000_000);
  for (const engine of engines) engine.close();

  const queries = engines.reduce((sum, e) => sum + e.stats.prefixCacheQueries, 0);
  const hits = engines.reduce((sum, e) => sum + e.stats.prefixCacheHits, 0);
  const sorted = [...ttfts].sort((a, b) => a - b);
  return {
    ttftP50: percentile(sorted, 50),
    ttftP90: percentile(sorted, 90),
    hitRate: queries > 0 ? hits / queries : 0,
    shares: served.map((n) => n / Math.max(1, ttfts.length)),
    completed: ttfts.length,
  };
}
