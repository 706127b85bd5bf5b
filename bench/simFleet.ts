// The simulated fleet as a worker process, with the reset (cold restart) the routing runs need between contenders.
import { H100_LLAMA_8B } from '../sim/profiles';
import { startWorker } from './childProcess';
import type { FleetControl } from './routing';
import type { SimWorkerReady } from './simWorker';

export interface BenchFleet extends FleetControl {
  stop(): Promise<void>;
}

export async function startBenchFleet(options: {
  replicas: number;
  kvBlocks: number;
  timeScale: number;
  seed: number;
}): Promise<BenchFleet> {
  const worker = await startWorker<SimWorkerReady>('sim', {
    replicas: options.replicas,
    profile: H100_LLAMA_8B.name,
    profileOverrides: { numGpuBlocks: options.kvBlocks },
    timeScale: options.timeScale,
    seed: options.seed,
  });
  return {
    urls: worker.ready.urls,
    names: worker.ready.names,
    model: H100_LLAMA_8B.model,
    timeScale: options.timeScale,
    // The sidecar's default scrape interval (2 s) and health interval (5 s), in modelled time.
    engineIntervalMs: Math.max(100, Math.round(2000 * options.timeScale)),
    healthIntervalMs: Math.max(200, Math.round(5000 * options.timeScale)),
    reset: async () => {
      const reply = await worker.call<{ error?: string }>({ type: 'reset' }, 'reset-done');
      if (reply.error) throw new Error(`fleet reset failed: ${reply.error}`);
    },
    stop: () => worker.stop(),
  };
}
