import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlidingWindow } from '../../../sidecar/users/slidingWindow';
import { StepClock } from './clock';

test('sums what was added in the last 60 seconds, the current one included', () => {
  const clock = new StepClock();
  const window = new SlidingWindow(clock);
  assert.equal(window.sum(), 0);
  window.add(3);
  clock.advance(30_000);
  window.add(2);
  window.add(1);
  assert.equal(window.sum(), 6);
  clock.advance(29_000);
  assert.equal(window.sum(), 6, 'everything is under a minute old');
});

test('an amount leaves the window once the window has moved past its second', () => {
  const clock = new StepClock();
  clock.atMsOfSecond(400);
  const window = new SlidingWindow(clock);
  window.add(5);
  clock.advance(59_599); // 59.999 s into the minute that started in the added second
  assert.equal(window.sum(), 5);
  clock.advance(1);
  assert.equal(window.sum(), 0);
});

test('a slot reused a minute later starts from zero, not from the old amount', () => {
  const clock = new StepClock();
  const window = new SlidingWindow(clock);
  window.add(7);
  clock.advance(60_000); // same slot index, next minute
  window.add(1);
  assert.equal(window.sum(), 1);
  clock.advance(120_000); // idle for two minutes
  assert.equal(window.sum(), 0);
});

test('msUntilBelow: 0 under the limit, else when enough of the oldest seconds have left', () => {
  const clock = new StepClock();
  clock.atMsOfSecond(0);
  const window = new SlidingWindow(clock);
  window.add(1); // second 0
  clock.advance(10_000);
  window.add(1); // second 10
  clock.advance(20_000);
  window.add(1); // second 30
  clock.advance(500); // now 30.5 s
  assert.equal(window.msUntilBelow(4), 0);
  assert.equal(window.msUntilBelow(3), 29_500, 'the second-0 request leaves at 60 s');
  assert.equal(window.msUntilBelow(2), 39_500, 'two must leave: the second-10 one goes at 70 s');
  assert.equal(window.msUntilBelow(1), 59_500);
  clock.advance(29_500);
  assert.equal(window.msUntilBelow(3), 0, 'exactly when it said');
});

test('msUntilBelow is short when the oldest entries are almost a minute old', () => {
  const clock = new StepClock();
  clock.atMsOfSecond(200);
  const window = new SlidingWindow(clock);
  window.add(1);
  window.add(1);
  clock.advance(58_300); // 58.5 s into that minute
  const wait = window.msUntilBelow(2);
  assert.equal(wait, 1_500);
});

test('takeBack uncounts from the second it was counted in, and only while that second is in the window', () => {
  const clock = new StepClock();
  const window = new SlidingWindow(clock);
  const first = window.add(1);
  clock.advance(5_000);
  window.add(1);
  window.takeBack(1, first);
  assert.equal(window.sum(), 1);
  assert.equal(window.msUntilBelow(1), 60_000, 'the remaining one is the later one (the first would leave in 55 s)');
  const old = window.add(1);
  clock.advance(60_000);
  window.add(4); // the same slot as `old`, a minute later
  window.takeBack(1, old);
  assert.equal(window.sum(), 4, 'a second that has left the window is not taken from its successor');
  window.takeBack(10, Math.floor(clock.now() / 1000));
  assert.equal(window.sum(), 0, 'never below zero');
});

test('a shorter window (constructor) keeps its own length', () => {
  const clock = new StepClock();
  clock.atMsOfSecond(0);
  const window = new SlidingWindow(clock, 5);
  window.add(2);
  assert.equal(window.msUntilBelow(1), 5_000);
  clock.advance(5_000);
  assert.equal(window.sum(), 0);
});
