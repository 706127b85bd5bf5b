// Worker: the least a Node.js reverse proxy can do, as a floor for the proxy-cost runs. node:http server, one
// keep-alive node:http Agent to one backend, the request body piped up and the answer piped down as it arrives (SSE
// included): no routing, no parsing, no retries, no stats. What the sidecar costs above this is its own; what this
// costs above nginx is Node's HTTP stack on one thread.
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NodeProxyWorkerOptions {
  backend: string;
}

export interface NodeProxyWorkerReady {
  type: 'ready';
  url: string;
}

export async function runNodeProxyWorker(options: NodeProxyWorkerOptions): Promise<number> {
  const backend = new URL(options.backend);
  const agent = new Agent({ keepAlive: true, maxSockets: 4096 });
  const server = createServer((req, res) => {
    const upstream = request(
      {
        host: backend.hostname,
        port: backend.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  server.maxConnections = 20_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` } satisfies NodeProxyWorkerReady);
  return new Promise<number>((resolve) => {
    const stop = () => {
      server.closeAllConnections();
      agent.destroy();
      server.close(() => resolve(0));
    };
    process.once('SIGTERM', stop);
    process.once('disconnect', stop);
  });
}
