// Records what the dashboard is fed, from a running `vllm-pools demo`: /admin/events (state + request events) while
// this script drives streaming traffic through the sidecar and, on the way, slows one replica, drains another and
// makes a third refuse connections. Output: one {"event","data"} JSON object per line, for screenshots.ts.
//   node dist/cli.js demo --replicas 4 --port 0      (note the URL it prints)
//   npx tsx test/integration/dashboard/recordDemo.ts http://127.0.0.1:PORT /tmp/demo-events.jsonl [seconds]
import { createWriteStream } from 'node:fs';
import type { StateSnapshot } from '../../../core/protocol';
import { watchAdminEvents } from '../../../extension/sidecarClient';

const [baseUrl, outPath, secondsArg] = process.argv.slice(2);
if (!baseUrl || !outPath) {
  process.stderr.write('usage: recordDemo.ts SIDECAR_URL OUT.jsonl [seconds]\n');
  process.exit(2);
}
const seconds = Number(secondsArg ?? 300);
const CLIENTS = 8;

const SESSIONS = Array.from({ length: 6 }, (_, i) => {
  const file = Array.from(
    { length: 40 },
    (_, line) => `  const value${line} = compute(${i}, ${line}); // step ${line}`,
  );
  return `You are a coding assistant for developer ${i}. The open file is:\n${file.join('\n')}\n`;
});
const QUESTIONS = [
  'Explain what this function does.',
  'Suggest a better name for value3.',
  'Write a unit test for it.',
  'Is there a bug on line 12?',
  'Refactor it into smaller functions.',
];

async function oneRequest(model: string, session: number, question: number, signal: AbortSignal): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-id': `dev-${session}` },
    body: JSON.stringify({
      model,
      stream: true,
      max_tokens: 60 + ((session * 97 + question * 31) % 320),
      messages: [
        { role: 'system', content: SESSIONS[session] },
        { role: 'user', content: QUESTIONS[question % QUESTIONS.length] },
      ],
    }),
    signal,
  });
  const reader = response.body?.getReader();
  if (!reader) return;
  // Read to the end, as an IDE does (bounded: a stream has far fewer chunks).
  for (let i = 0; i < 100_000; i++) if ((await reader.read()).done) break;
}

async function client(id: number, model: string, until: number, signal: AbortSignal): Promise<void> {
  let question = id;
  for (let i = 0; i < 10_000 && Date.now() < until && !signal.aborted; i++) {
    try {
      await oneRequest(model, (id + i) % SESSIONS.length, question++, signal);
    } catch {
      // an aborted or failed request is part of the picture
    }
    await new Promise((resolve) => setTimeout(resolve, 100 + ((id * 37 + i * 53) % 600)));
  }
}

async function post(url: string, body?: unknown): Promise<void> {
  await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function main(): Promise<void> {
  const state = (await (await fetch(`${baseUrl}/admin/state`)).json()) as StateSnapshot;
  const pool = state.pools[0]!;
  const model = pool.models[0]!;
  const replicas = pool.replicas;
  const out = createWriteStream(outPath!);
  let events = 0;
  const stream = watchAdminEvents(
    { baseUrl: baseUrl! },
    {
      onState: (data) => {
        out.write(`${JSON.stringify({ event: 'state', data })}\n`);
        events++;
      },
      onRequest: (data) => {
        out.write(`${JSON.stringify({ event: 'request', data })}\n`);
        events++;
      },
    },
  );
  const start = Date.now();
  const until = start + seconds * 1000;
  const controller = new AbortController();
  const at = (fraction: number, action: () => Promise<void>) =>
    setTimeout(() => void action().catch(() => undefined), fraction * seconds * 1000);
  const timers = [
    replicas[2] ? at(0.35, () => post(`${replicas[2]!.url}/sim/fault`, { kind: 'slow', factor: 3 })) : undefined,
    replicas[1] ? at(0.55, () => post(`${baseUrl}/admin/replicas/${pool.name}/${replicas[1]!.name}/drain`)) : undefined,
    replicas[3] ? at(0.8, () => post(`${replicas[3]!.url}/sim/fault`, { kind: 'refuse' })) : undefined,
  ];
  await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id, model, until, controller.signal)));
  controller.abort();
  for (const timer of timers) if (timer) clearTimeout(timer);
  stream.close();
  await new Promise<void>((resolve) => out.end(resolve));
  process.stdout.write(`recorded ${events} events in ${Math.round((Date.now() - start) / 1000)} s to ${outPath}\n`);
}

void main();
