import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Admission, GatewayUsers, type Ticket } from '../../../sidecar/users/gatewayUsers';
import { StepClock } from './clock';

const CONFIG = {
  clientToken: 'team-token',
  users: [
    { name: 'alice', token: 'alice-token', limits: { requestsPerMinute: 2, tokensPerMinute: 1000 } },
    { name: 'bob', token: 'bob-token', limits: {} },
  ],
};

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function ticketOf(admission: Admission): Ticket {
  assert.ok(admission.admitted, admission.admitted ? '' : admission.message);
  return admission.ticket;
}

test('authenticate reads Bearer or x-api-key; clientToken is "anonymous"; anything else is undefined', () => {
  const users = new GatewayUsers(CONFIG);
  assert.equal(users.authenticate({ authorization: 'Bearer alice-token' })?.name, 'alice');
  assert.equal(users.authenticate({ 'x-api-key': 'bob-token' })?.name, 'bob');
  assert.equal(users.authenticate({ authorization: 'Bearer team-token' })?.name, 'anonymous');
  assert.equal(users.authenticate({ authorization: 'Bearer nope' }), undefined);
  assert.equal(users.authenticate({}), undefined);
});

test('over requestsPerMinute: refused with the seconds until room, a message naming the limit and no token', async () => {
  const clock = new StepClock();
  clock.atMsOfSecond(0);
  const users = new GatewayUsers(CONFIG, { clock });
  const alice = users.authenticate({ authorization: 'Bearer alice-token' })!;
  users.finish(ticketOf(await users.admit(alice)));
  clock.advance(15_000);
  users.finish(ticketOf(await users.admit(alice)));
  clock.advance(5_000);
  const refused = await users.admit(alice);
  assert.equal(refused.admitted, false);
  assert.ok(!refused.admitted);
  assert.equal(refused.retryAfterSeconds, 40);
  assert.equal(refused.cause, 'requestsPerMinute');
  assert.equal(refused.message, 'user "alice" is over its limit of 2 requests per minute; retry in 40s');
  assert.ok(!refused.message.includes('alice-token'));
  clock.advance(40_000);
  assert.equal((await users.admit(alice)).admitted, true);
  const row = users.snapshot().find((r) => r.user === 'alice')!;
  assert.equal(row.refused.requestsPerMinute, 1);
  assert.equal(row.requests, 3);
  assert.equal(row.requestsThisMinute, 2, 'the one at 15 s and the one now');
});

test('finish counts the tokens once (idempotent) and they count toward tokensPerMinute', async () => {
  const clock = new StepClock();
  clock.atMsOfSecond(0);
  const users = new GatewayUsers(CONFIG, { clock });
  const alice = users.authenticate({ authorization: 'Bearer alice-token' })!;
  const ticket = ticketOf(await users.admit(alice));
  users.finish(ticket, { promptTokens: 700, completionTokens: 300 });
  users.finish(ticket, { promptTokens: 700, completionTokens: 300 });
  const row = users.snapshot().find((r) => r.user === 'alice')!;
  assert.equal(row.promptTokens, 700);
  assert.equal(row.completionTokens, 300);
  assert.equal(row.tokensThisMinute, 1000);
  assert.equal(row.inFlight, 0);
  clock.advance(2_000);
  const refused = await users.admit(alice);
  assert.ok(!refused.admitted);
  assert.equal(refused.cause, 'tokensPerMinute');
  assert.equal(refused.retryAfterSeconds, 58);
  assert.match(refused.message, /limit of 1000 tokens per minute/);
});

test('a saturated fleet: a user whose queue is full gets 429 "queue", and that refusal does not use up its limit', async () => {
  const clock = new StepClock();
  const config = { users: [{ ...CONFIG.users[0]!, limits: { requestsPerMinute: 3 } }, CONFIG.users[1]!] };
  const users = new GatewayUsers(config, { clock, capacity: () => 1, maxQueuedPerUser: 1 });
  const alice = users.authenticate({ authorization: 'Bearer alice-token' })!;
  const bob = users.authenticate({ authorization: 'Bearer bob-token' })!;
  const running = ticketOf(await users.admit(bob));
  const first = ticketOf(await users.admit(alice)); // alice had nothing in flight: in at once, over the capacity
  const waiting = users.admit(alice); // her 2nd request of the minute, queued
  await settle();
  const refused = await users.admit(alice); // her 3rd: the queue is full
  assert.ok(!refused.admitted);
  assert.equal(refused.cause, 'queue');
  assert.equal(refused.retryAfterSeconds, 1);
  assert.equal(users.snapshot().find((r) => r.user === 'alice')?.queued, 1);
  users.finish(running);
  users.finish(first);
  users.finish(ticketOf(await waiting));
  const row = users.snapshot().find((r) => r.user === 'alice')!;
  assert.equal(row.refused.queue, 1);
  assert.equal(row.queued, 0);
  assert.equal(row.requestsThisMinute, 2, 'the queue refusal gave its request back');
  users.finish(ticketOf(await users.admit(alice)), {}); // so she still has her 3rd
  const limited = await users.admit(alice);
  assert.ok(!limited.admitted);
  assert.equal(limited.cause, 'requestsPerMinute');
});

test('a client gone while waiting: admit rejects, the request is not counted, nothing stays queued', async () => {
  const users = new GatewayUsers(CONFIG, { clock: new StepClock(), capacity: () => 1 });
  const alice = users.authenticate({ authorization: 'Bearer alice-token' })!;
  const first = ticketOf(await users.admit(alice));
  const gone = new AbortController();
  const waiting = users.admit(alice, gone.signal);
  await settle();
  gone.abort(new Error('client closed'));
  await assert.rejects(waiting, /client closed/);
  const row = users.snapshot().find((r) => r.user === 'alice')!;
  assert.equal(row.queued, 0);
  assert.equal(row.requestsThisMinute, 1);
  users.finish(first);
  assert.equal((await users.admit(alice)).admitted, true, 'her 2nd request of the minute is still there');
});

test('snapshot and metrics list every user (anonymous too) without tokens; reload keeps figures and new limits apply', async () => {
  const clock = new StepClock();
  const users = new GatewayUsers(CONFIG, { clock });
  assert.deepEqual(
    users.snapshot().map((r) => r.user),
    ['alice', 'bob', 'anonymous'],
  );
  const bob = users.authenticate({ authorization: 'Bearer bob-token' })!;
  users.finish(ticketOf(await users.admit(bob)), { promptTokens: 3, completionTokens: 4 });
  const metrics = users.metrics();
  assert.match(metrics, /vllm_pools_user_requests_total\{user="bob"\} 1/);
  assert.match(metrics, /vllm_pools_user_requests_total\{user="anonymous"\} 0/);
  for (const token of ['alice-token', 'bob-token', 'team-token']) {
    assert.ok(!metrics.includes(token));
    assert.ok(!JSON.stringify(users.snapshot()).includes(token));
  }
  users.reload({
    users: [
      { name: 'bob', token: 'bob-new-token', limits: { requestsPerMinute: 1 } },
      { name: 'dave', token: 'dave-token', limits: {} },
    ],
  });
  assert.equal(users.authenticate({ authorization: 'Bearer bob-token' }), undefined, 'the old token is gone');
  assert.equal(users.authenticate({ authorization: 'Bearer team-token' }), undefined, 'no clientToken any more');
  const newBob = users.authenticate({ authorization: 'Bearer bob-new-token' })!;
  const bobRow = users.snapshot().find((r) => r.user === 'bob')!;
  assert.equal(bobRow.requests, 1, 'figures kept across the reload');
  assert.deepEqual(bobRow.limits, { requestsPerMinute: 1 });
  assert.ok(users.snapshot().some((r) => r.user === 'dave'));
  const refused = await users.admit(newBob);
  assert.ok(!refused.admitted, 'the request made before the reload counts against the new limit');
});

test('close refuses every waiting request', async () => {
  const users = new GatewayUsers(CONFIG, { capacity: () => 1 });
  const bob = users.authenticate({ authorization: 'Bearer bob-token' })!;
  ticketOf(await users.admit(bob));
  const waiting = users.admit(bob);
  await settle();
  users.close();
  await assert.rejects(waiting, /shutting down/);
});
