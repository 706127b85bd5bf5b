import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostToPageMessage } from '../../../core/dashboard/messages';
import type { RequestEvent, StateSnapshot } from '../../../core/protocol';
import { DashboardFeed, STALE_AFTER_MS } from '../../../extension/dashboard/feed';
import { recordFixture } from '../../integration/dashboard/fixture';
import { ManualTimers } from './manualTimers';

const recording = recordFixture({ seconds: 20 });
const states = recording.filter((e) => e.event === 'state').map((e) => e.data as StateSnapshot);
const requests = recording.filter((e) => e.event === 'request').map((e) => e.data as RequestEvent);

function setup(recentLimit?: number) {
  const timers = new ManualTimers();
  const sent: HostToPageMessage[] = [];
  const connection: HostToPageMessage[] = [];
  const feed = new DashboardFeed({
    post: (m) => (m.type === 'connection' ? connection : sent).push(m),
    timers,
    minIntervalMs: 250,
    ...(recentLimit ? { recentLimit } : {}),
  });
  return { timers, sent, connection, feed };
}

test('while hidden nothing is sent, but history and recent requests are kept for the full message', () => {
  const { feed, sent } = setup(5);
  for (const state of states) feed.onState(state);
  for (const request of requests.slice(0, 8)) feed.onRequest(request);
  assert.equal(sent.length, 0);
  feed.setVisible(true);
  assert.equal(sent.length, 1);
  const full = sent[0]!;
  assert.equal(full.type, 'full');
  assert.equal(full.state, states[states.length - 1]);
  assert.equal(full.history.length, states.length);
  assert.deepEqual(
    full.recent.map((r) => r.id),
    requests
      .slice(3, 8)
      .reverse()
      .map((r) => r.id),
  );
  assert.equal(full.connection.state, 'connected');
});

test('updates are coalesced: at most one message per interval, carrying the latest state and every sample', () => {
  const { feed, sent, timers } = setup();
  feed.pageReady();
  sent.length = 0;
  timers.advance(1000);
  feed.onState(states[0]!);
  feed.onRequest(requests[0]!);
  feed.onState(states[1]!);
  feed.onState(states[2]!);
  feed.onRequest(requests[1]!);
  assert.equal(sent.length, 0, 'sent on a timer, not inline');
  timers.advance(0);
  assert.equal(sent.length, 1);
  const update = sent[0]!;
  assert.equal(update.type, 'update');
  assert.equal(update.state, states[2]);
  assert.deepEqual(
    update.samples.map((s) => s.t),
    [states[0]!.now, states[1]!.now, states[2]!.now],
  );
  assert.deepEqual(
    update.requests.map((r) => r.id),
    [requests[0]!.id, requests[1]!.id],
  );

  feed.onState(states[3]!);
  timers.advance(249);
  assert.equal(sent.length, 1, 'not before the interval is over');
  timers.advance(1);
  assert.equal(sent.length, 2);
});

test('hiding the panel stops messages and drops what was pending; showing it sends everything', () => {
  const { feed, sent, timers } = setup();
  feed.setVisible(true);
  feed.onState(states[0]!);
  feed.setVisible(false);
  timers.advance(1000);
  assert.deepEqual(
    sent.map((m) => m.type),
    ['full'],
  );
  assert.equal(timers.pendingTimers, 0);
  feed.onState(states[1]!);
  feed.setVisible(true);
  assert.deepEqual(
    sent.map((m) => m.type),
    ['full', 'full'],
  );
  const last = sent[1]!;
  assert.ok(last.type === 'full' && last.state === states[1] && last.history.length === 2);
});

test('a link silent for longer than the stale limit is reported lost, and found again with the next state', () => {
  const { feed, connection, timers } = setup();
  feed.pageReady();
  feed.onState(states[0]!);
  timers.advance(STALE_AFTER_MS);
  feed.checkStale();
  assert.ok(!connection.some((m) => m.type === 'connection' && m.connection.state === 'disconnected'));
  timers.advance(1);
  feed.checkStale();
  const lost = connection.find((m) => m.type === 'connection' && m.connection.state === 'disconnected');
  assert.ok(lost && lost.type === 'connection');
  assert.match(lost.connection.detail ?? '', /no state from the sidecar/);
  feed.onState(states[1]!);
  const back = connection[connection.length - 1]!;
  assert.ok(back.type === 'connection' && back.connection.state === 'connected');
});
