// Is a TCP port free on a host? And the next free one after it. No vscode import.
import { createServer } from 'node:net';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first free port in (port, port + span], or undefined. */
export async function nextFreePort(port: number, host = '127.0.0.1', span = 20): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(65535, port + span); candidate++) {
    if (await isPortFree(candidate, host)) return candidate;
  }
  return undefined;
}
