import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserRateLimits } from '../../../sidecar/users/rateLimits';
import type { User } from '../../../sidecar/users/userDirectory';
import { StepClock } from './clock';

const user = (name: string, limits: User['limits']): User => ({ name, anonymous: false, limits });

test('requestsPerMinute admits N in a minute, refuses the next with the seconds until the oldest leaves', () => {
  const clock = new StepClock();
  clock.atMsOfSecond(0);
  const limits = new UserRateLimits(clock);
  const alice = user('alice', { requestsPerMinute: 3 });
  for (let i = 0; i < 3; i++) {
    assert.equal(limits.admit(alice).allowed, true);
    clock.advance(10_000);
  }
  // now 30 s; requests at 0, 10, 20 s
  const refused = limits.admit(alice);
  assert.deepEqual(refused, { allowed: false, retryAfterSeconds: 30, limit: 'requestsPerMinute' });
  clock.advance(29_999);
  assert.equal(limits.admit(alice).allowed, false, 'a refused request is not counted, but the window is still full');
  clock.advance(1);
  assert.equal(limits.admit(alice).allowed, true, 'admitted exactly when Retry-After said');
  assert.equal(limits.usage('alice').requests, 3);
});

test('Retry-After rounds up to whole seconds and is at least 1', () => {
  const clock = new StepClock();
  clock.atMsOfSecond(700);
  const limits = new UserRateLimits(clock);
  const alice = user('alice', { requestsPerMinute: 1 });
  limits.admit(alice);
  clock.advance(59_000); // 59.7 s: the request leaves at 60.0 s, 300 ms from now
  const verdict = limits.admit(alice);
  assert.equal(verdict.allowed, false);
  assert.equal(verdict.allowed === false && verdict.retryAfterSeconds, 1);
  clock.advance(-59_000 + 1_500); // 2.2 s: 57.8 s to wait
  const early = limits.admit(alice);
  assert.equal(early.allowed === false && early.retryAfterSeconds, 58);
});

test('tokensPerMinute counts finished requests; over it, requests wait until enough tokens have left', () => {
  const clock = new StepClock();
  clock.atMsOfSecond(0);
  const limits = new UserRateLimits(clock);
  const bob = user('bob', { tokensPerMinute: 1000 });
  assert.equal(limits.admit(bob).allowed, true);
  limits.recordTokens(bob, 600);
  clock.advance(20_000);
  assert.equal(limits.admit(bob).allowed, true, '600 < 1000');
  limits.recordTokens(bob, 500); // 1100: over, by what was in flight
  clock.advance(1_000);
  const verdict = limits.admit(bob);
  assert.deepEqual(verdict, { allowed: false, retryAfterSeconds: 39, limit: 'tokensPerMinute' });
  clock.advance(39_000);
  assert.equal(limits.admit(bob).allowed, true);
  limits.recordTokens(bob, 0);
  limits.recordTokens(bob, Number.NaN);
  assert.equal(limits.usage('bob').tokens, 500, 'zero and NaN are not counted');
});

test('with both limits hit, Retry-After is the longer wait and names that limit', () => {
  const clock = new StepClock();
  clock.atMsOfSecond(0);
  const limits = new UserRateLimits(clock);
  const carol = user('carol', { requestsPerMinute: 2, tokensPerMinute: 100 });
  limits.recordTokens(carol, 60); // tokens at 0 s (60 < 100: requests still pass)
  clock.advance(5_000);
  limits.admit(carol); // requests at 5 s and 10 s: the first leaves at 65 s
  clock.advance(5_000);
  limits.admit(carol);
  limits.recordTokens(carol, 60); // 120 tokens: below 100 once the 0 s ones leave at 60 s
  clock.advance(10_000); // 20 s
  assert.deepEqual(limits.admit(carol), { allowed: false, retryAfterSeconds: 45, limit: 'requestsPerMinute' });

  const dave = user('dave', { requestsPerMinute: 2, tokensPerMinute: 100 });
  limits.admit(dave); // requests at 20 s and 21 s: one leaves at 80 s
  clock.advance(1_000);
  limits.admit(dave);
  limits.recordTokens(dave, 150); // tokens at 21 s: free at 81 s
  clock.advance(9_000); // 30 s
  assert.deepEqual(limits.admit(dave), { allowed: false, retryAfterSeconds: 51, limit: 'tokensPerMinute' });
  clock.advance(51_000);
  assert.equal(limits.admit(dave).allowed, true, 'both limits have room after the longer wait');
});

test('users without limits are always admitted and still counted; users are counted apart', () => {
  const clock = new StepClock();
  const limits = new UserRateLimits(clock);
  const free = user('free', {});
  const capped = user('capped', { requestsPerMinute: 1 });
  for (let i = 0; i < 500; i++) assert.equal(limits.admit(free).allowed, true);
  assert.equal(limits.usage('free').requests, 500);
  assert.equal(limits.admit(capped).allowed, true);
  assert.equal(limits.admit(capped).allowed, false);
  assert.equal(limits.usage('nobody').requests, 0);
});

test('refund gives an admitted request back; retain forgets users no longer configured', () => {
  const clock = new StepClock();
  const limits = new UserRateLimits(clock);
  const alice = user('alice', { requestsPerMinute: 1 });
  const first = limits.admit(alice);
  assert.ok(first.allowed);
  limits.refund(alice, first.countedIn);
  assert.equal(limits.admit(alice).allowed, true, 'the refunded request left room for one more');
  assert.equal(limits.admit(alice).allowed, false);
  limits.retain(new Set(['bob']));
  assert.equal(limits.usage('alice').requests, 0);
  assert.equal(limits.admit(alice).allowed, true, 'a user removed and added back starts afresh');
});
