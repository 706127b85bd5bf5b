// A tiny vLLM look-alike on node:http for sidecar tests: /health, /v1/models, /metrics, chat completions (JSON or SSE),
// with switchable behaviour (status, refuse, hang, reset mid-stream) and counters of what it saw.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeMode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'reset-mid-stream'; afterChunks: number };

export interface FakeReplica {
  url: string;
  name: string;
  mode: FakeMode;
  /** Milliseconds between streamed tokens. */
  tokenDelayMs: number;
  tokens: number;
  model: string;
  apiKey: string | undefined;
  requests: number;
  aborted: number;
  healthChecks: number;
  lastAuthorization: string | undefined;
  lastHeaders: IncomingMessage['headers'] | undefined;
  inflight: number;
  metricsText: string | undefined;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeReplica(
  options: {
    name?: string;
    model?: string;
    apiKey?: string;
    tokens?: number;
    tokenDelayMs?: number;
    port?: number;
  } = {},
): Promise<FakeReplica> {
  const sockets = new Set<Socket>();
  const replica: FakeReplica = {
    url: '',
    name: options.name ?? 'fake',
    mode: { kind: 'ok' },
    tokenDelayMs: options.tokenDelayMs ?? 1,
    tokens: options.tokens ?? 5,
    model: options.model ?? 'test-model',
    apiKey: options.apiKey,
    requests: 0,
    aborted: 0,
    healthChecks: 0,
    lastAuthorization: undefined,
    lastHeaders: undefined,
    inflight: 0,
    metricsText: undefined,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
    close: async () => replica.stop(),
  };
  const server: Server = createServer((req, res) => {
    void handle(replica, req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  replica.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return replica;
}

async function handle(replica: FakeReplica, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/health') {
    replica.healthChecks += 1;
    res.writeHead(replica.mode.kind === 'status' ? replica.mode.status : 200);
    res.end();
    return;
  }
  if (path === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      replica.metricsText ??
        `vllm:num_requests_running{engine="0",model_name="${replica.model}"} ${replica.inflight}\nvllm:num_requests_waiting{engine="0",model_name="${replica.model}"} 0\nvllm:kv_cache_usage_perc{engine="0",model_name="${replica.model}"} 0.25\n`,
    );
    return;
  }
  if (replica.apiKey && req.headers.authorization !== `Bearer ${replica.apiKey}`) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":"Unauthorized"}');
    return;
  }
  if (path === '/v1/models') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: replica.model, object: 'model', owned_by: 'vllm' }] }));
    return;
  }
  replica.requests += 1;
  replica.lastAuthorization = req.headers.authorization;
  replica.lastHeaders = req.headers;
  replica.inflight += 1;
  let finished = false;
  res.on('close', () => {
    replica.inflight -= 1;
    if (!finished) replica.aborted += 1;
  });
  const mode = replica.mode;
  if (mode.kind === 'hang') return; // never answers; the client's timeout or abort ends it
  if (mode.kind === 'status') {
    finished = true;
    res.writeHead(mode.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'fake failure', type: 'X', param: null, code: mode.status } }));
    return;
  }
  let body: { stream?: boolean; stream_options?: { include_usage?: boolean } } = {};
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {}
  const id = `chatcmpl-${replica.requests}`;
  if (!body.stream) {
    finished = true;
    const text = JSON.stringify({
      id,
      object: 'chat.completion',
      model: replica.model,
      choices: [
        { index: 0, message: { role: 'assistant', content: 'hello '.repeat(replica.tokens) }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 3, completion_tokens: replica.tokens, total_tokens: 3 + replica.tokens },
      replica: replica.name,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const event = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model: replica.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  res.write(event({ role: 'assistant', content: '' }));
  for (let i = 0; i < replica.tokens; i++) {
    if (res.destroyed) return;
    if (mode.kind === 'reset-mid-stream' && i === mode.afterChunks) {
      res.socket?.destroy();
      return;
    }
    await sleep(replica.tokenDelayMs);
    if (res.destroyed) return;
    res.write(event({ content: `tok${i} ` }, i === replica.tokens - 1 ? 'stop' : null));
  }
  if (body.stream_options?.include_usage) {
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model: replica.model, choices: [], usage: { prompt_tokens: 3, completion_tokens: replica.tokens, total_tokens: 3 + replica.tokens } })}\n\n`,
    );
  }
  finished = true;
  res.end('data: [DONE]\n\n');
}
