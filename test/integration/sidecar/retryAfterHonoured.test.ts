// Retry-After honoured by the official clients' own retry: a user at its requests-per-minute limit gets 429 with
// Retry-After = the seconds until its oldest request leaves the sliding minute; the openai and Anthropic clients
// (maxRetries) wait that long, retry, and succeed. The sidecar runs on a clock set ahead so that the user's earlier
// request is ~58.5 s old (as if made a minute ago) and the wait is short; the client's wait is real time.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { RequestEvent } from '../../../core/protocol';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool } from './testConfig';

const MODEL = 'Qwen/Qwen3-0.6B';
const TOKENS = { alice: 'alice-retry-token-1111', carol: 'carol-retry-token-2222' };
/** How far the sidecar's clock is ahead of the wall clock (moved by the tests). */
let ahead = 0;
const clock = { now: () => Date.now() + ahead };

let fleet: SimFleet;
let sidecar: RunningSidecar;
const events: RequestEvent[] = [];

before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast', model: MODEL });
  const config = testConfig([testPool('main', [{ url: fleet.urls[0]!, name: 'sim-0' }])], {
    users: [
      { name: 'alice', token: TOKENS.alice, limits: { requestsPerMinute: 1 } },
      { name: 'carol', token: TOKENS.carol, limits: { requestsPerMinute: 1 } },
    ],
  });
  sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {}, clock });
  sidecar.onRequest((event) => events.push(event));
});

after(async () => {
  await sidecar.close(200);
  await fleet.close();
});

interface Attempt {
  sentAt: number;
  answeredAt: number;
  status: number;
  retryAfter: string | null;
}

/** A fetch for the clients that notes when each attempt left and how it was answered. */
function recordingFetch(attempts: Attempt[]): typeof fetch {
  return async (input, init) => {
    const sentAt = performance.now();
    const response = await fetch(input, init);
    attempts.push({
      sentAt,
      answeredAt: performance.now(),
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
    });
    return response;
  };
}

/** Moves the sidecar's clock to 100 ms into its next second, so a request sent now is counted in that second. */
function startOfASecond(): number {
  const now = clock.now();
  ahead += 1000 - (now % 1000) + 100;
  return clock.now();
}

/** Sets the sidecar's clock to `msBefore` ms before a request counted now leaves the minute (60 s after its second). */
function ageTheMinute(countedAt: number, msBefore: number): void {
  const leavesAt = (Math.floor(countedAt / 1000) + 60) * 1000;
  ahead = leavesAt - msBefore - Date.now();
}

function assertRetriedAfterRetryAfter(attempts: Attempt[]): void {
  assert.deepEqual(
    attempts.map((a) => a.status),
    [429, 200],
    'refused once, then admitted on the retry',
  );
  const seconds = Number(attempts[0]!.retryAfter);
  assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= 3, `Retry-After ${attempts[0]!.retryAfter}`);
  const waited = attempts[1]!.sentAt - attempts[0]!.answeredAt;
  // Timers may fire a millisecond early; anything near the client's default backoff (0.5 s) would fail this.
  assert.ok(waited >= seconds * 1000 - 5, `the retry came ${waited.toFixed(0)} ms after a Retry-After of ${seconds}s`);
}

test('the openai client waits out Retry-After and its retry succeeds once the minute has room', async () => {
  const attempts: Attempt[] = [];
  const client = new OpenAI({
    baseURL: `${sidecar.url}/v1`,
    apiKey: TOKENS.alice,
    maxRetries: 2,
    fetch: recordingFetch(attempts),
  });
  const countedAt = startOfASecond();
  await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'one' }], max_tokens: 4 });
  ageTheMinute(countedAt, 1_500);
  attempts.length = 0;
  const answer = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'two' }],
    max_tokens: 4,
  });
  assert.ok(answer.choices[0]?.message);
  assertRetriedAfterRetryAfter(attempts);
  const alice = events.filter((event) => event.user === 'alice').map((event) => event.status);
  assert.deepEqual(alice, [200, 429, 200]);
});

test('the Anthropic client waits out Retry-After and its retry succeeds once the minute has room', async () => {
  const attempts: Attempt[] = [];
  const client = new Anthropic({
    baseURL: sidecar.url,
    apiKey: TOKENS.carol,
    maxRetries: 2,
    fetch: recordingFetch(attempts),
  });
  const countedAt = startOfASecond();
  await client.messages.create({ model: MODEL, max_tokens: 4, messages: [{ role: 'user', content: 'one' }] });
  ageTheMinute(countedAt, 1_500);
  attempts.length = 0;
  const answer = await client.messages.create({
    model: MODEL,
    max_tokens: 4,
    messages: [{ role: 'user', content: 'two' }],
  });
  assert.equal(answer.type, 'message');
  assertRetriedAfterRetryAfter(attempts);
  const carol = events.filter((event) => event.user === 'carol').map((event) => event.status);
  assert.deepEqual(carol, [200, 429, 200]);
});
