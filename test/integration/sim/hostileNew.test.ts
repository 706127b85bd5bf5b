// Hostile bodies on the routes added for agents and adapters: always a clean 4xx in the route's own shape, never a
// 500 or a dropped connection, and the replica keeps serving.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';

const MODEL = 'Qwen/Qwen3-0.6B';
let fleet: SimFleet;
let base: string;

before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast', enableLora: true, timeScale: 0.1 });
  base = fleet.urls[0]!;
});

after(async () => {
  await fleet.close();
});

const VALUES: unknown[] = [null, 0, -1, 1.5, '', 'x', true, [], [null], [1, 'a'], {}, { type: 'x' }, [{}], [[]]];

const ROUTES: Record<string, (v: unknown) => Array<Record<string, unknown>>> = {
  '/v1/responses': (v) => [
    { model: MODEL, input: v },
    { model: MODEL, input: [v] },
    { model: MODEL, input: [{ role: 'user', content: v }] },
    { model: MODEL, input: [{ type: 'function_call', name: v, arguments: v }] },
    { model: MODEL, input: 'x', instructions: v },
    { model: MODEL, input: 'x', previous_response_id: v },
    { model: MODEL, input: 'x', max_output_tokens: v },
    { model: MODEL, input: 'x', stream: v },
    { model: MODEL, input: 'x', tools: [v], tool_choice: v },
    { model: v, input: 'x' },
  ],
  '/v1/messages': (v) => [
    { model: MODEL, max_tokens: 4, messages: v },
    { model: MODEL, max_tokens: 4, messages: [v] },
    { model: MODEL, max_tokens: 4, messages: [{ role: 'user', content: v }] },
    { model: MODEL, max_tokens: 4, messages: [{ role: 'user', content: [v] }] },
    { model: MODEL, max_tokens: v, messages: [{ role: 'user', content: 'x' }] },
    { model: MODEL, max_tokens: 4, system: v, messages: [{ role: 'user', content: 'x' }] },
    { model: MODEL, max_tokens: 4, tools: v, tool_choice: v, messages: [{ role: 'user', content: 'x' }] },
    { model: MODEL, max_tokens: 4, tools: [v], messages: [{ role: 'user', content: 'x' }] },
    { model: MODEL, max_tokens: 4, stop_sequences: v, messages: [{ role: 'user', content: 'x' }] },
    { model: v, max_tokens: 4, messages: [{ role: 'user', content: 'x' }] },
  ],
  '/v1/messages/count_tokens': (v) => [
    { model: MODEL, messages: v },
    { model: MODEL, system: v, messages: [v] },
  ],
  '/tokenize': (v) => [{ prompt: v }, { messages: v }, { messages: [v] }, { model: v, prompt: 'x' }],
  '/detokenize': (v) => [{ tokens: v }, { tokens: [v] }],
  '/v1/load_lora_adapter': (v) => [{ lora_name: v, lora_path: v }],
  '/v1/unload_lora_adapter': (v) => [{ lora_name: v }],
};

test('every hostile body gets a 2xx or a clean 4xx JSON answer; none crashes the replica', async () => {
  let answered = 0;
  for (const [path, bodies] of Object.entries(ROUTES)) {
    for (const value of VALUES) {
      for (const body of bodies(value)) {
        const res = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        assert.ok(res.status < 500, `${path} ${JSON.stringify(body)} -> ${res.status} ${text}`);
        if (res.status >= 400) {
          const parsed = JSON.parse(text) as Record<string, unknown>;
          if (path.startsWith('/v1/messages')) assert.equal(parsed['type'], 'error', `${path} ${text}`);
          else assert.ok(parsed['error'] || parsed['detail'], `${path} ${text}`);
        }
        answered++;
      }
    }
  }
  assert.ok(answered > 400);
  assert.equal((await fetch(`${base}/health`)).status, 200);
});
