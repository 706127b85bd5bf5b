// Drives a workload against one contender: arrivals at a rate (Poisson/gamma) or a fixed concurrency; a session's
// next turn waits for its previous answer; bounded in requests and in time.
import { setMaxListeners } from 'node:events';
import { Agent } from 'undici';
import type { AgentProtocol } from './agentWire';
import { arrivalOffsets } from './arrivals';
import { seededRandom } from './random';
import type { RequestRecord } from './stats';
import { type StreamTarget, streamChat } from './streamRequest';
import { type BenchRequest, requestCount, type Session, type Workload } from './workloads';

export interface LoadOptions {
  workload: Workload;
  /** Chooses where a session's requests go (the contender's URL, or a replica for direct and limit runs). */
  target(sessionKey: string, request: BenchRequest): StreamTarget;
  /** Requests per modelled second; ignored when concurrency is set. */
  rate: number;
  burstiness?: number;
  /** Fixed number of requests in flight instead of arrivals at a rate. */
  concurrency?: number;
  seed: number;
  model: string;
  timeScale: number;
  /** Hard bound on the run in real ms; requests still open then are aborted and count as failed. */
  maxRealMs: number;
  /** Wire protocol of every request (agentWire.ts); chat when absent. */
  protocol?: AgentProtocol;
}

export interface LoadResult {
  records: RequestRecord[];
  /** Real ms the run took. */
  realMs: number;
  /** True when maxRealMs cut the run. */
  cut: boolean;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { workload, timeScale } = options;
  const total = requestCount(workload);
  const random = seededRandom(options.seed);
  const offsets = options.concurrency
    ? []
    : arrivalOffsets({ rate: options.rate, burstiness: options.burstiness ?? 1, count: total, random });
  const dispatcher = new Agent({ connections: 2048, pipelining: 1, keepAliveTimeout: 30_000 });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const records: RequestRecord[] = [];
  const next = new Map<Session, number>(workload.sessions.map((s) => [s, 0]));
  const idle = new Set<Session>(workload.sessions);
  let waiters: Array<() => void> = [];
  const wake = () => {
    const list = waiters;
    waiters = [];
    for (const resolve of list) resolve();
  };
  const started = performance.now();
  const deadline = started + options.maxRealMs;
  let cut = false;
  const cutTimer = setTimeout(() => {
    cut = true;
    abort.abort();
    wake();
  }, options.maxRealMs);
  const inflight = new Set<Promise<void>>();

  const takeIdle = async (): Promise<Session | undefined> => {
    for (;;) {
      if (cut) return undefined;
      const ready = [...idle].filter((s) => next.get(s)! < s.turns.length);
      if (ready.length > 0) {
        const session = ready[Math.floor(random() * ready.length)]!;
        idle.delete(session);
        return session;
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };

  const send = (session: Session) => {
    const turn = next.get(session)!;
    next.set(session, turn + 1);
    const sentMs = (performance.now() - started) / timeScale;
    const request = session.turns[turn]!;
    const target = options.target(session.key, request);
    const promise = streamChat(target, request, {
      dispatcher,
      model: options.model,
      timeScale,
      signal: abort.signal,
      sentMs,
      key: session.key,
      ...(options.protocol ? { protocol: options.protocol } : {}),
    }).then((record) => {
      target.done?.();
      records.push(record);
      idle.add(session);
      inflight.delete(promise);
      wake();
    });
    inflight.add(promise);
  };

  try {
    for (let i = 0; i < total && !cut; i++) {
      if (options.concurrency) {
        while (inflight.size >= options.concurrency && !cut)
          await new Promise<void>((resolve) => waiters.push(resolve));
      } else {
        const due = started + offsets[i]! * timeScale;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, deadline - performance.now())));
      }
      const session = await takeIdle();
      if (!session) break;
      send(session);
    }
    await Promise.all([...inflight]);
  } finally {
    clearTimeout(cutTimer);
    await dispatcher.close().catch(() => {});
  }
  return { records, realMs: performance.now() - started, cut };
}
