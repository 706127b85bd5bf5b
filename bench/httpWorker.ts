// A bench worker's HTTP server: listens on a free loopback port, tells the parent its URL ("ready"), and serves until
// the parent stops it (SIGTERM) or goes away; resolves with the exit code.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpWorkerReady {
  type: 'ready';
  url: string;
}

export async function serveWorker(server: Server, onStop: () => void = () => {}): Promise<number> {
  server.keepAliveTimeout = 60_000;
  server.maxConnections = 20_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` } satisfies HttpWorkerReady);
  return new Promise<number>((resolve) => {
    const stop = () => {
      server.closeAllConnections();
      onStop();
      server.close(() => resolve(0));
    };
    process.once('SIGTERM', stop);
    process.once('disconnect', stop);
  });
}
