// Two LoRA adapters' traffic through a sidecar to simulated replicas with --max-loras 1 and both adapters loaded
// everywhere: which replica served each request, how often a replica switched adapter between its requests, and how
// many adapter swaps the engines made. Shared by the adapter-affinity test and its measurement script.
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

export const ADAPTERS = ['sql-lora', 'py-lora'] as const;

export interface AdapterFleet {
  fleet: SimFleet;
  sidecar: RunningSidecar;
  close(): Promise<void>;
}

/** `engineMetrics: false` takes the LoRA state away from the sidecar: the plain algorithm, for comparison. */
export async function startAdapterFleet(options: {
  engineMetrics: boolean;
  timeScale?: number;
}): Promise<AdapterFleet> {
  const fleet = await startSimFleet({
    replicas: 3,
    profile: 'fast',
    timeScale: options.timeScale ?? 3,
    maxLoras: 1,
    loraModules: ADAPTERS.map((name) => ({ name, path: `/adapters/${name}` })),
  });
  const config = testConfig(
    [
      testPool(
        'lora',
        fleet.urls.map((url, i) => ({ url, name: `sim-${i}` })),
        {
          algorithm: 'round-robin',
          healthCheck: { enabled: true, path: '/health', interval: 200, timeout: 2000, rise: 1, fall: 3 },
        },
      ),
    ],
    { engineMetrics: { enabled: options.engineMetrics, interval: 100 } },
  );
  const sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
  await waitFor(
    async () => {
      const response = await fetch(`${sidecar.url}/v1/models`);
      const list = (await response.json()) as { data: { id: string }[] };
      return ADAPTERS.every((name) => list.data.some((model) => model.id === name));
    },
    10_000,
    'both adapters in the pool list',
  );
  return {
    fleet,
    sidecar,
    close: async () => {
      await sidecar.close(500);
      await fleet.close();
    },
  };
}

export interface Served {
  adapter: string;
  replica: string;
  startedAt: number;
  ttftMs: number;
  totalMs: number;
}

export interface TrafficResult {
  served: Served[];
  /** Per replica, in start order: how many times the next request named another adapter than the one before. */
  switches: number;
  /** Adapter swaps the engines made during the traffic (the simulator's count). */
  engineSwaps: number;
  failures: string[];
}

/**
 * `workers` sequential clients per adapter, `perWorker` streamed requests each (ignore_eos, `maxTokens` tokens), all
 * at once; bounded by `budgetMs` overall.
 */
export async function adapterTraffic(
  setup: AdapterFleet,
  options: { workers: number; perWorker: number; maxTokens: number; budgetMs: number },
): Promise<TrafficResult> {
  const swapsBefore = setup.fleet.replicas.reduce((sum, replica) => sum + replica.stats().loraSwaps, 0);
  const served: Served[] = [];
  const failures: string[] = [];
  const deadline = Date.now() + options.budgetMs;
  const worker = async (adapter: string, w: number) => {
    for (let i = 0; i < options.perWorker && Date.now() < deadline; i++) {
      const startedAt = performance.now();
      try {
        const response = await fetch(`${setup.sidecar.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: adapter,
            messages: [{ role: 'user', content: `${adapter} worker ${w} request ${i}` }],
            max_tokens: options.maxTokens,
            ignore_eos: true,
            stream: true,
          }),
          signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now() + 5000)),
        });
        const replica = response.headers.get('x-vllm-pools-replica') ?? '?';
        const reader = response.body!.getReader();
        let ttftMs = -1;
        for (;;) {
          const { done } = await reader.read();
          if (ttftMs < 0) ttftMs = performance.now() - startedAt;
          if (done) break;
        }
        if (response.status !== 200) failures.push(`${adapter}: HTTP ${response.status}`);
        else served.push({ adapter, replica, startedAt, ttftMs, totalMs: performance.now() - startedAt });
      } catch (error) {
        failures.push(`${adapter}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(
    ADAPTERS.flatMap((adapter) => Array.from({ length: options.workers }, (_, w) => worker(adapter, w))),
  );
  const swapsAfter = setup.fleet.replicas.reduce((sum, replica) => sum + replica.stats().loraSwaps, 0);
  return { served, switches: switchesOf(served), engineSwaps: swapsAfter - swapsBefore, failures };
}

function switchesOf(served: readonly Served[]): number {
  const last = new Map<string, string>();
  let switches = 0;
  for (const request of [...served].sort((a, b) => a.startedAt - b.startedAt)) {
    const before = last.get(request.replica);
    if (before !== undefined && before !== request.adapter) switches++;
    last.set(request.replica, request.adapter);
  }
  return switches;
}
