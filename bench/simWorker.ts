// Worker: a simulated fleet in its own process. "reset" restarts every replica on its port (cold prefix cache,
// fresh metrics), so each contender starts from the same state.
import { type SimFleetOptions, startSimFleet } from '../sim/fleet';

export interface SimWorkerReady {
  type: 'ready';
  urls: string[];
  names: string[];
}

export async function runSimWorker(options: SimFleetOptions): Promise<number> {
  const fleet = await startSimFleet(options);
  const send = (message: unknown) => process.send?.(message);
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'reset') {
      void Promise.all(fleet.replicas.map((r) => r.restart())).then(
        () => send({ type: 'reset-done' }),
        (error: unknown) => send({ type: 'reset-done', error: String(error) }),
      );
    }
  });
  return new Promise<number>((resolve) => {
    const stop = () => {
      void fleet.close().then(() => resolve(0));
    };
    process.once('SIGTERM', stop);
    process.once('disconnect', stop);
    send({ type: 'ready', urls: fleet.urls, names: fleet.replicas.map((r) => r.name) } satisfies SimWorkerReady);
  });
}
