import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RenderScheduler } from '../../../webview/dashboard/renderScheduler';
import { ManualTimers } from './manualTimers';

test('many requests before a frame make one render', () => {
  const timers = new ManualTimers();
  let renders = 0;
  const scheduler = new RenderScheduler(() => renders++, timers, 250);
  for (let i = 0; i < 100; i++) scheduler.request();
  assert.equal(timers.frame(), 1);
  assert.equal(renders, 1);
});

test('renders are at least the interval apart, and a request in between is not lost', () => {
  const timers = new ManualTimers();
  let renders = 0;
  const scheduler = new RenderScheduler(() => renders++, timers, 250);
  scheduler.request();
  timers.frame();
  timers.advance(100);
  scheduler.request();
  scheduler.request();
  assert.equal(timers.frame(), 0, 'no frame before the interval');
  timers.advance(149);
  assert.equal(timers.frame(), 0);
  timers.advance(1);
  assert.equal(timers.frame(), 1);
  assert.equal(renders, 2);
  assert.equal(timers.frame(), 0);
});
