// Worker: a trivial OpenAI-shaped backend for the proxy-cost runs, so the proxy, not the model, is what is timed.
// Non-streaming: a small JSON answer at once. Streaming: `events` SSE events `intervalMs` apart, each carrying its
// send time (performance.timeOrigin + now, ms), then [DONE]; `hold: true` keeps a stream open (one event a second)
// until the client goes away or `holdMaxMs` passes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type HttpWorkerReady, serveWorker } from './httpWorker';

export type EchoWorkerReady = HttpWorkerReady;

export interface EchoStreamParams {
  events?: number;
  intervalMs?: number;
  hold?: boolean;
  holdMaxMs?: number;
}

const SMALL_ANSWER = JSON.stringify({
  id: 'cmpl-echo',
  object: 'chat.completion',
  model: 'echo',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 },
});

function stamp(): number {
  return performance.timeOrigin + performance.now();
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  if (req.method === 'GET') {
    const body = url.startsWith('/v1/models')
      ? '{"object":"list","data":[{"id":"echo","object":"model","owned_by":"bench"}]}'
      : '{}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let params: EchoStreamParams & { stream?: boolean } = {};
    try {
      params = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // a bad body gets the small answer
    }
    if (!params.stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(SMALL_ANSWER) });
      res.end(SMALL_ANSWER);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events = Math.min(params.events ?? 20, 10_000);
    const interval = Math.max(1, params.intervalMs ?? 10);
    const holdUntil = Date.now() + Math.min(params.holdMaxMs ?? 60_000, 600_000);
    let sent = 0;
    const timer = setInterval(
      () => {
        if (res.destroyed) {
          clearInterval(timer);
          return;
        }
        const done = params.hold ? Date.now() >= holdUntil : sent >= events;
        if (done) {
          clearInterval(timer);
          res.end('data: [DONE]\n\n');
          return;
        }
        res.write(`data: {"t":${stamp()},"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n`);
        sent++;
      },
      params.hold ? 1000 : interval,
    );
    res.write(`data: {"t":${stamp()},"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n`);
    sent++;
    res.on('close', () => clearInterval(timer));
  });
}

export function runEchoWorker(_options: unknown): Promise<number> {
  return serveWorker(createServer(handle));
}
