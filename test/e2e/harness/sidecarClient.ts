// What the test asks the sidecar directly: its admin state and streamed chat traffic.
//
// The admin token: the extension starts its sidecar with a fresh random VLLM_POOLS_ADMIN_TOKEN in the child's
// environment (never on the command line, never in a file), and that variable wins over the config's admin.token. The
// test reads it where the sidecar does: from the environment of the process listening on the sidecar's port
// (/proc/PID/environ; the test runs as the same user). A restarted sidecar has a new token; each call reads it afresh.
import { readFileSync } from 'node:fs';
import type { StateSnapshot } from '../../../core/protocol';
import { findListener } from './portOwner';

export class SidecarClient {
  constructor(readonly port: number) {}

  /** The running sidecar's admin token, read from its process environment. */
  adminToken(): string {
    const listener = findListener(this.port);
    if (!listener) throw new Error(`nothing listens on 127.0.0.1:${this.port}`);
    const environ = readFileSync(`/proc/${listener.pid}/environ`, 'utf8').split('\0');
    const entry = environ.find((e) => e.startsWith('VLLM_POOLS_ADMIN_TOKEN='));
    if (!entry) throw new Error(`the process on port ${this.port} has no VLLM_POOLS_ADMIN_TOKEN`);
    return entry.slice('VLLM_POOLS_ADMIN_TOKEN='.length);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  async state(): Promise<StateSnapshot> {
    const response = await fetch(`http://127.0.0.1:${this.port}/admin/state`, {
      headers: { authorization: `Bearer ${this.adminToken()}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`GET /admin/state: ${response.status}`);
    return (await response.json()) as StateSnapshot;
  }

  async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.port}/healthz`, { signal: AbortSignal.timeout(2000) });
      return response.status === 200;
    } catch {
      return false;
    }
  }

  async models(): Promise<string[]> {
    const response = await fetch(`${this.endpoint}/models`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { data: { id: string }[] };
    return body.data.map((m) => m.id);
  }

  /**
   * One streamed chat completion, read to its end; resolves with the number of SSE data events. `token` is a gateway
   * user's token (config `users`), sent as Bearer.
   */
  async streamChat(model: string, prompt: string, maxTokens = 64, token?: string): Promise<number> {
    const response = await fetch(`${this.endpoint}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({
        model,
        stream: true,
        max_tokens: maxTokens,
        messages: [{ role: 'user', content: prompt }],
      }),
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok || !response.body) throw new Error(`chat completion: ${response.status}`);
    let events = 0;
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return events;
      events += (decoder.decode(value, { stream: true }).match(/^data: /gm) ?? []).length;
    }
  }
}

/**
 * Streams chat completions with `concurrency` clients until stop() is called (bounded by `maxRequests`), as the
 * gateway user of `token` when one is given.
 */
export function startTraffic(
  client: SidecarClient,
  model: string,
  concurrency: number,
  maxRequests = 2000,
  token?: string,
) {
  let stopped = false;
  let completed = 0;
  let failed = 0;
  let started = 0;
  const worker = async (id: number) => {
    while (!stopped && started < maxRequests) {
      started++;
      try {
        const prompt = `e2e traffic from client ${id}: tell me about load balancing #${started}`;
        await client.streamChat(model, prompt, 48, token);
        completed++;
      } catch {
        failed++;
      }
    }
  };
  const workers = Array.from({ length: concurrency }, (_, i) => worker(i));
  return {
    get completed() {
      return completed;
    },
    get failed() {
      return failed;
    },
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}
