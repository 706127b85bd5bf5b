// A lockstep SSE backend: it sends event i+1 only after the test has received event i through the gateway.
// A gateway that buffers (or coalesces) the stream therefore never delivers event 0 and the test fails on its
// deadline, without any reliance on timing.
import { createServer, type Server } from 'node:http';

export interface LockstepBackend {
  url: string;
  /** Lets the backend send event `index`. */
  release(index: number): void;
  /** Stream requests received. */
  streams: number;
  close(): Promise<void>;
}

export async function startLockstepBackend(events: number): Promise<LockstepBackend> {
  const gates = new Map<number, () => void>();
  const opened = new Map<number, Promise<void>>();
  const gate = (index: number) => {
    let promise = opened.get(index);
    if (!promise) {
      promise = new Promise<void>((resolve) => gates.set(index, resolve));
      opened.set(index, promise);
    }
    return promise;
  };
  const backend: LockstepBackend = {
    url: '',
    streams: 0,
    release: (index) => {
      gate(index);
      gates.get(index)?.();
    },
    close: async () => {
      for (const resolve of gates.values()) resolve();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        req.url?.startsWith('/v1/models') ? '{"object":"list","data":[{"id":"lockstep","object":"model"}]}' : '{}',
      );
      return;
    }
    req.resume();
    req.on('end', async () => {
      backend.streams++;
      opened.clear();
      gates.clear();
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      for (let i = 0; i < events; i++) {
        if (i > 0) await gate(i);
        if (res.destroyed) return;
        res.write(`data: {"i":${i}}\n\n`);
      }
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  backend.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return backend;
}

/**
 * Streams one request through the gateway in lockstep with the backend; returns the events in arrival order.
 * Throws when an event does not arrive within `perEventMs` (the gateway holds it back).
 */
export async function streamInLockstep(
  url: string,
  backend: LockstepBackend,
  headers: Record<string, string>,
  perEventMs = 5000,
): Promise<string[]> {
  const controller = new AbortController();
  const within = async <T>(promise: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`${what} did not arrive within ${perEventMs} ms: the gateway holds the stream back`));
      }, perEventMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  };
  const response = await within(
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'lockstep', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      signal: controller.signal,
    }),
    'the response head',
  );
  if (response.status !== 200 || !response.body) throw new Error(`stream request got ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const events: string[] = [];
  let buffer = '';
  try {
    for (;;) {
      const chunk = await within(reader.read(), `event ${events.length}`);
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const event = buffer.slice(0, end).trim();
        buffer = buffer.slice(end + 2);
        events.push(event);
        const match = /"i":(\d+)/.exec(event);
        if (match) backend.release(Number(match[1]) + 1);
        end = buffer.indexOf('\n\n');
      }
    }
  } finally {
    controller.abort();
  }
  return events;
}
