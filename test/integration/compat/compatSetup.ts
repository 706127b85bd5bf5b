// One sidecar in front of two pools: simulated replicas (fast profile) serving SIM_MODEL, and a recording replica
// serving RECORDED_MODEL (to see exactly what reached a replica).
import type { Config } from '../../../core/config/types';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool } from '../sidecar/testConfig';
import { type RecordingReplica, startRecordingReplica } from './recordingReplica';

export const SIM_MODEL = 'Qwen/Qwen3-0.6B';
export const RECORDED_MODEL = 'recorded-model';

export interface CompatSetup {
  fleet: SimFleet;
  recorder: RecordingReplica;
  sidecar: RunningSidecar;
  /** http://127.0.0.1:PORT/v1 */
  endpoint: string;
  close(): Promise<void>;
}

export async function startCompatSetup(overrides: Partial<Config> = {}): Promise<CompatSetup> {
  const fleet = await startSimFleet({ replicas: 2, profile: 'fast', seed: 7 });
  const recorder = await startRecordingReplica(RECORDED_MODEL);
  const config = testConfig(
    [
      testPool(
        'sim',
        fleet.urls.map((url, i) => ({ url, name: `sim-${i}` })),
      ),
      testPool('recorded', [{ url: recorder.url, name: 'recorder' }]),
    ],
    overrides,
  );
  const sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
  return {
    fleet,
    recorder,
    sidecar,
    endpoint: `${sidecar.url}/v1`,
    close: async () => {
      await sidecar.close(500);
      await Promise.all([fleet.close(), recorder.close()]);
    },
  };
}
