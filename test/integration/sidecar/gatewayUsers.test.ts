// Gateway mode with named users: each user's own token (Bearer or x-api-key), per-user request limits answered with
// 429 + Retry-After in the caller's dialect (the official openai and Anthropic clients read them as their rate-limit
// errors), per-user series in /metrics (promtool-clean, no token anywhere), and the user in each request event.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { RequestEvent } from '../../../core/protocol';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool } from './testConfig';

const MODEL = 'Qwen/Qwen3-0.6B';
const ALICE = 'alice-secret-token-1234';
const BOB = 'bob-secret-token-5678';
const TEAM = 'team-client-token-9999';

let fleet: SimFleet;
let sidecar: RunningSidecar;
const events: RequestEvent[] = [];
const log = memoryLogger();

before(async () => {
  fleet = await startSimFleet({ replicas: 2, profile: 'fast', model: MODEL });
  const config = testConfig(
    [
      testPool(
        'main',
        fleet.urls.map((url, i) => ({ url, name: `sim-${i}` })),
      ),
    ],
    {
      clientToken: TEAM,
      users: [
        { name: 'alice', token: ALICE, limits: { requestsPerMinute: 2 } },
        { name: 'bob', token: BOB, limits: {} },
      ],
    },
  );
  sidecar = await startSidecar({ config, port: 0, logger: log.logger, env: {} });
  sidecar.onRequest((event) => events.push(event));
});

after(async () => {
  await sidecar.close(200);
  await fleet.close();
});

const ask = (client: OpenAI) =>
  client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 });

test('each user authenticates with their own token; no token or an unknown one is refused', async () => {
  const none = await fetch(`${sidecar.url}/v1/models`);
  assert.equal(none.status, 401);
  const wrong = await fetch(`${sidecar.url}/v1/models`, { headers: { authorization: 'Bearer nope-nope' } });
  assert.equal(wrong.status, 401);
  const bob = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: BOB, maxRetries: 0 });
  await ask(bob);
  const team = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: TEAM, maxRetries: 0 });
  await ask(team);
  const users = events.map((event) => event.user);
  assert.deepEqual(users.slice(-2), ['bob', 'anonymous']);
});

test("a user over their limit gets 429 with Retry-After, in OpenAI's and Anthropic's shape; others go on", async () => {
  const alice = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: ALICE, maxRetries: 0 });
  await ask(alice);
  await ask(alice);
  await assert.rejects(ask(alice), (error: unknown) => {
    assert.ok(error instanceof OpenAI.RateLimitError, String(error));
    assert.match(error.message, /user "alice" is over its limit of 2 requests per minute/);
    const retryAfter = Number(error.headers?.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    return true;
  });
  const anthropic = new Anthropic({ baseURL: sidecar.url, apiKey: ALICE, maxRetries: 0 });
  await assert.rejects(
    anthropic.messages.create({ model: MODEL, max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] }),
    (error: unknown) => {
      assert.ok(error instanceof Anthropic.RateLimitError, String(error));
      return true;
    },
  );
  const bob = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: BOB, maxRetries: 0 });
  await ask(bob);
});

test('/metrics has per-user series labelled user, promtool-clean; no token in metrics or logs', async () => {
  const metrics = await (await fetch(`${sidecar.url}/metrics`)).text();
  assert.match(metrics, /vllm_pools_user_requests_total\{user="alice"[^}]*\} [1-9]/);
  assert.match(metrics, /vllm_pools_user_rate_limited_total\{user="alice"[^}]*\} [1-9]/);
  for (const token of [ALICE, BOB, TEAM]) {
    assert.ok(!metrics.includes(token), 'no token in /metrics');
    assert.ok(!log.lines.some((line) => line.includes(token)), 'no token in the logs');
  }
  let promtool = true;
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
  } catch {
    promtool = false;
  }
  if (promtool) {
    const output = execFileSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
    assert.equal(output.trim(), '');
  }
});
