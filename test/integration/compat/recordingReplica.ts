// A vLLM look-alike that records every request exactly as it arrived (path, headers, raw body), for checks that the
// sidecar passes bodies through untouched. It answers chat with tool-call deltas when the request has `tools`
// (the simulator never calls tools), and can pause between two streamed events (`gapMs`) for timeout checks.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SseParser } from '../../../core/sse/parser';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface RecordingReplica {
  url: string;
  model: string;
  recorded: RecordedRequest[];
  /** Pause between the first and the second content event of a streamed chat answer. */
  gapMs: number;
  /** Answer requests that carry `tools` with vLLM's 400 for a server started without tool parsing. */
  rejectTools: boolean;
  /** Streams that ended because the client (the sidecar) went away before the last event. */
  aborted: number;
  close(): Promise<void>;
}

/** The tool call the replica streams back: name from the request's first tool, arguments in three pieces. */
export const TOOL_CALL_ID = 'chatcmpl-tool-5f1c2a';
export const TOOL_ARGUMENT_PIECES = ['{"path": "src/', 'main.ts", "line', '": 42}'];

export async function startRecordingReplica(model = 'recorded-model'): Promise<RecordingReplica> {
  const sockets = new Set<Socket>();
  const replica: RecordingReplica = {
    url: '',
    model,
    recorded: [],
    gapMs: 0,
    rejectTools: false,
    aborted: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = Buffer.concat(chunks).toString('utf8');
    const json = (status: number, value: unknown) => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (path === '/health') return void res.end();
    if (path === '/metrics') return void res.end('');
    if (path === '/v1/models') {
      return json(200, {
        object: 'list',
        data: [{ id: model, object: 'model', owned_by: 'vllm', max_model_len: 8192 }],
      });
    }
    replica.recorded.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
    const request = JSON.parse(body || '{}') as {
      stream?: boolean;
      tools?: Array<{ function: { name: string } }>;
      stream_options?: { include_usage?: boolean };
    };
    if (path === '/v1/completions') {
      return json(200, {
        id: 'cmpl-rec',
        object: 'text_completion',
        created: 0,
        model,
        choices: [{ index: 0, text: ' return 42;', logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      });
    }
    if (replica.rejectTools && request.tools) {
      return json(400, {
        object: 'error',
        message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
        type: 'BadRequestError',
        param: null,
        code: 400,
      });
    }
    if (!request.stream) {
      return json(200, {
        id: 'chatcmpl-rec',
        object: 'chat.completion',
        created: 0,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    let finished = false;
    res.on('close', () => {
      if (!finished) replica.aborted += 1;
    });
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-rec', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    const tool = request.tools?.[0]?.function.name;
    if (tool) {
      res.write(
        chunk({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: TOOL_CALL_ID, type: 'function', function: { name: tool, arguments: '' } }],
        }),
      );
      for (const piece of TOOL_ARGUMENT_PIECES)
        res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
      res.write(chunk({}, 'tool_calls'));
    } else {
      res.write(chunk({ role: 'assistant', content: 'first' }));
      if (replica.gapMs > 0) await new Promise((resolve) => setTimeout(resolve, replica.gapMs));
      if (res.destroyed) return;
      res.write(chunk({ content: ' second' }, 'stop'));
    }
    if (request.stream_options?.include_usage) {
      res.write(
        `data: ${JSON.stringify({ id: 'chatcmpl-rec', object: 'chat.completion.chunk', created: 0, model, choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } })}\n\n`,
      );
    }
    finished = true;
    res.end('data: [DONE]\n\n');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  replica.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return replica;
}

/** Reads an SSE response to the end and returns each `data:` payload in order. */
export async function readSseData(response: Response): Promise<string[]> {
  return new SseParser()
    .push(`${await response.text()}\n\n`)
    .map((message) => message.data)
    .filter((data) => data !== '');
}
