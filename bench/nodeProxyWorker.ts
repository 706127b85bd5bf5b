// Worker: the least a Node.js reverse proxy can do, as a floor for the proxy-cost runs. node:http server, one
// keep-alive node:http Agent to one backend, the request body piped up and the answer piped down as it arrives (SSE
// included): no routing, no parsing, no retries, no stats. What the sidecar costs above this is its own; what this
// costs above nginx is Node's HTTP stack on one thread.
import { Agent, createServer, request } from 'node:http';
import { type HttpWorkerReady, serveWorker } from './httpWorker';

export interface NodeProxyWorkerOptions {
  backend: string;
}

export type NodeProxyWorkerReady = HttpWorkerReady;

export function runNodeProxyWorker(options: NodeProxyWorkerOptions): Promise<number> {
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
  return serveWorker(server, () => agent.destroy());
}
