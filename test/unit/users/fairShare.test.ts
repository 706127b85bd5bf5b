import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIVE_MS, FairShareGate, QueueFullError, type Release } from '../../../sidecar/users/fairShare';

/** Settles pending promise callbacks. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Acquires and records the order in which grants arrive. */
function tracker(gate: FairShareGate) {
  const order: string[] = [];
  const releases = new Map<string, Release>();
  const take = (user: string, id: string, signal?: AbortSignal) =>
    gate.acquire(user, signal).then((release) => {
      order.push(id);
      releases.set(id, release);
      return release;
    });
  return { order, releases, take };
}

test('under capacity every request passes at once; in-flight counts follow grants and releases', async () => {
  const gate = new FairShareGate({ capacity: () => 3, maxQueuedPerUser: 1 });
  const a1 = await gate.acquire('a');
  const a2 = await gate.acquire('a');
  const b1 = await gate.acquire('b');
  assert.equal(gate.inFlightTotal, 3);
  assert.equal(gate.inFlightOf('a'), 2);
  a1();
  a1(); // a second call does nothing
  assert.equal(gate.inFlightTotal, 2);
  assert.equal(gate.inFlightOf('a'), 1);
  a2();
  b1();
  assert.equal(gate.inFlightTotal, 0);
  assert.equal(gate.inFlightOf('a'), 0);
});

test('saturated: a freed slot goes to the waiting user with the fewest in flight, not to the burst', async () => {
  const gate = new FairShareGate({ capacity: () => 3, maxQueuedPerUser: 10 });
  const { order, releases, take } = tracker(gate);
  await take('quiet', 'q0');
  await take('flood', 'f1');
  await take('flood', 'f2');
  for (let i = 3; i <= 6; i++) void take('flood', `f${i}`);
  void take('quiet', 'q1'); // quiet has one in flight: it queues too
  await settle();
  assert.deepEqual(order, ['q0', 'f1', 'f2']);
  assert.equal(gate.queuedOf('flood'), 4);
  assert.equal(gate.queuedOf('quiet'), 1);
  releases.get('f1')!();
  await settle();
  assert.deepEqual(order.slice(3), ['q1'], 'quiet (1 in flight) before flood (1 in flight, served more recently)');
  releases.get('f2')!();
  await settle();
  assert.deepEqual(order.slice(4), ['f3'], "then the flood's own queue, in its order");
  releases.get('q0')!();
  releases.get('q1')!();
  await settle();
  assert.deepEqual(order.slice(5), ['f4', 'f5']);
});

test('a user with nothing in flight or waiting goes in at once, over the capacity by one request', async () => {
  const gate = new FairShareGate({ capacity: () => 2, maxQueuedPerUser: 10 });
  const { order, releases, take } = tracker(gate);
  await take('flood', 'f1');
  await take('flood', 'f2');
  void take('flood', 'f3');
  await take('quiet', 'q1');
  assert.equal(gate.inFlightTotal, 3);
  void take('quiet', 'q2'); // its second at once: it waits like everyone else
  await settle();
  assert.deepEqual(order, ['f1', 'f2', 'q1']);
  releases.get('f1')!(); // 2 in flight, capacity 2: nobody goes in yet
  await settle();
  assert.deepEqual(order, ['f1', 'f2', 'q1']);
  releases.get('q1')!(); // quiet has 0 in flight → q2 first
  await settle();
  assert.deepEqual(order.slice(3), ['q2']);
  releases.get('f2')!();
  await settle();
  assert.deepEqual(order.slice(4), ['f3']);
});

test('ties in flight: the user served least recently goes first (round robin between equals)', async () => {
  const gate = new FairShareGate({ capacity: () => 3, maxQueuedPerUser: 10 });
  const { order, releases, take } = tracker(gate);
  await take('a', 'a1');
  await take('b', 'b1');
  await take('c', 'c1');
  void take('a', 'a2');
  void take('b', 'b2');
  void take('c', 'c2');
  await settle();
  releases.get('c1')!(); // c has 0 in flight → c2
  await settle();
  assert.deepEqual(order.slice(3), ['c2']);
  releases.get('c2')!(); // all 1 in flight... a 1, b 1, c 0 but c has nothing waiting → a (served before b)
  await settle();
  assert.deepEqual(order.slice(4), ['a2']);
  releases.get('a1')!(); // a 1, b 1 → b
  await settle();
  assert.deepEqual(order.slice(5), ['b2']);
});

test('a newcomer with requests in flight waits behind the queue even when a slot looks free', async () => {
  let capacity = 2;
  const gate = new FairShareGate({ capacity: () => capacity, maxQueuedPerUser: 10 });
  const { order, releases, take } = tracker(gate);
  await take('a', 'a1');
  await take('c', 'c0');
  void take('b', 'b0'); // idle: in at once (3 in flight)
  void take('b', 'b1');
  await settle();
  capacity = 5; // grew without a drain (a replica came back)
  void take('c', 'c1');
  await settle();
  assert.deepEqual(order, ['a1', 'c0', 'b0', 'b1', 'c1'], 'b1, queued first, got in with c1 by the drain');
  capacity = 1;
  releases.get('a1')!();
  void take('c', 'c2');
  await settle();
  assert.equal(order.length, 5, 'over capacity after it shrank: c waits');
  for (const id of ['b0', 'b1', 'c0']) releases.get(id)!();
  await settle();
  assert.equal(order.length, 5, 'c1 is still in flight: 1 of capacity 1');
  releases.get('c1')!();
  await settle();
  assert.deepEqual(order.slice(5), ['c2']);
});

test('drain() lets waiters in after the capacity grows without a release', async () => {
  let capacity = 1;
  const gate = new FairShareGate({ capacity: () => capacity, maxQueuedPerUser: 10 });
  const { order, take } = tracker(gate);
  await take('a', 'a1');
  void take('a', 'a2');
  void take('a', 'a3');
  await settle();
  capacity = 2;
  gate.drain();
  await settle();
  assert.deepEqual(order, ['a1', 'a2']);
});

test('maxQueuedPerUser: a user with a full queue is refused at once; other users still queue', async () => {
  const gate = new FairShareGate({ capacity: () => 1, maxQueuedPerUser: 2 });
  await gate.acquire('a');
  const waiting = [gate.acquire('a'), gate.acquire('a')];
  await assert.rejects(gate.acquire('a'), (error: unknown) => error instanceof QueueFullError && error.user === 'a');
  await gate.acquire('b'); // idle: in at once
  const b = gate.acquire('b');
  assert.equal(gate.queuedOf('b'), 1);
  gate.close(new Error('closing'));
  for (const promise of [...waiting, b]) await assert.rejects(promise, /closing/);
  assert.equal(gate.queuedOf('a'), 0);
});

test('a client that gives up while waiting leaves the queue; its slot goes to the next', async () => {
  const gate = new FairShareGate({ capacity: () => 1, maxQueuedPerUser: 10 });
  const { order, releases, take } = tracker(gate);
  await take('a', 'a1');
  const gone = new AbortController();
  const abandoned = take('a', 'a2', gone.signal);
  void take('a', 'a3');
  await settle();
  gone.abort(new Error('client closed'));
  await assert.rejects(abandoned, /client closed/);
  assert.equal(gate.queuedOf('a'), 1);
  releases.get('a1')!();
  await settle();
  assert.deepEqual(order, ['a1', 'a3']);
  const already = new AbortController();
  already.abort(new Error('already gone'));
  await assert.rejects(gate.acquire('d', already.signal), /already gone/);
  assert.equal(gate.queuedOf('d'), 0);
});

test('an abort after the grant changes nothing', async () => {
  const gate = new FairShareGate({ capacity: () => 1, maxQueuedPerUser: 10 });
  const first = await gate.acquire('a');
  const signal = new AbortController();
  const waiting = gate.acquire('a', signal.signal);
  first();
  const release = await waiting;
  signal.abort(new Error('late'));
  assert.equal(gate.inFlightOf('a'), 1);
  release();
  assert.equal(gate.inFlightTotal, 0);
});

test('a flood converges to an equal share: with two users waiting, grants alternate', async () => {
  const gate = new FairShareGate({ capacity: () => 4, maxQueuedPerUser: 100 });
  const { order, releases, take } = tracker(gate);
  for (let i = 0; i < 4; i++) await take('flood', `f${i}`);
  for (let i = 4; i < 40; i++) void take('flood', `f${i}`);
  for (let i = 0; i < 8; i++) void take('other', `o${i}`);
  await settle();
  // Release the oldest grant each time, 12 times.
  for (let i = 0; i < 12; i++) {
    releases.get(order[i]!)!();
    await settle();
  }
  const granted = order.slice(4);
  const others = granted.filter((id) => id.startsWith('o')).length;
  assert.equal(granted.length, 12);
  assert.ok(others >= 4, `the other user got ${others} of 12 slots: ${granted.join(' ')}`);
  assert.ok(gate.inFlightOf('other') <= 2 + 1, 'no more than its share in flight');
});

/** A gate with room for everyone (capacity is not the point) and a prefill share of `share`, on a settable clock. */
function prefillGate(share: number) {
  const clock = { at: 0 };
  const gate = new FairShareGate({
    capacity: () => 100,
    maxQueuedPerUser: 100,
    prefillShare: () => share,
    now: () => clock.at,
  });
  return { gate, clock, ...tracker(gate) };
}

test('prefill share: with another user active, a user waits while it has its share before the first token', async () => {
  const { gate, order, releases, take } = prefillGate(2);
  await take('quiet', 'q0');
  releases.get('q0')!.firstToken(); // quiet is decoding: active, nothing before its first token
  await take('flood', 'f1');
  await take('flood', 'f2');
  void take('flood', 'f3');
  void take('flood', 'f4');
  await settle();
  // The old rule let all four in (the fleet is far from its capacity): the engines would queue them all.
  assert.deepEqual(order, ['q0', 'f1', 'f2']);
  assert.equal(gate.prefillingOf('flood'), 2);
  assert.equal(gate.queuedOf('flood'), 2);
  releases.get('f1')!.firstToken();
  await settle();
  assert.deepEqual(order.slice(3), ['f3'], 'a first token frees a place in the share');
  releases.get('f2')!();
  await settle();
  assert.deepEqual(order.slice(4), ['f4'], 'so does a request that ends before its first token');
  assert.equal(gate.inFlightOf('flood'), 3);
});

test("prefill share: the light user's request goes ahead of the flood's held ones", async () => {
  const { gate, order, releases, take } = prefillGate(1);
  await take('quiet', 'q0');
  releases.get('q0')!.firstToken(); // quiet is decoding: one in flight, none before its first token
  await take('flood', 'f1');
  for (let i = 2; i <= 4; i++) void take('flood', `f${i}`);
  await settle();
  assert.deepEqual(order, ['q0', 'f1']);
  // quiet has a request in flight, so it is not idle; its share is free: it starts at once despite the flood's queue.
  await take('quiet', 'q1');
  assert.deepEqual(order, ['q0', 'f1', 'q1']);
  assert.equal(gate.queuedOf('flood'), 3);
});

test('prefill share: a lone user is never held, and first-token/release calls are idempotent', async () => {
  const { gate, order, releases, take } = prefillGate(1);
  for (let i = 1; i <= 6; i++) await take('solo', `s${i}`);
  assert.equal(order.length, 6);
  assert.equal(gate.prefillingOf('solo'), 6);
  const s1 = releases.get('s1')!;
  s1.firstToken();
  s1.firstToken();
  s1();
  s1.firstToken();
  assert.equal(gate.prefillingOf('solo'), 5);
  assert.equal(gate.inFlightOf('solo'), 5);
});

test('prefill share: a user between two turns still counts as active for ACTIVE_MS, then the flood is alone', async () => {
  const { gate, clock, order, releases, take } = prefillGate(1);
  await take('quiet', 'q0');
  await take('flood', 'f1');
  releases.get('q0')!(); // quiet's turn ended at 0 ms: its next one is on its way
  void take('flood', 'f2');
  await settle();
  assert.deepEqual(order, ['q0', 'f1'], 'held: quiet ended its turn a moment ago');
  clock.at = ACTIVE_MS;
  releases.get('f1')!.firstToken();
  await settle();
  assert.deepEqual(order.slice(2), ['f2']);
  await take('flood', 'f3');
  assert.deepEqual(order.slice(3), ['f3'], 'alone now: over its share at once');
  assert.equal(gate.prefillingOf('flood'), 2);
});

test("prefill share: while the light user's request waits for its first token, the heavier user starts nothing", async () => {
  const { order, releases, take } = prefillGate(4);
  await take('flood', 'f1');
  await take('flood', 'f2');
  releases.get('f1')!.firstToken();
  releases.get('f2')!.firstToken();
  await take('quiet', 'q0'); // before its first token, one in flight against the flood's two
  void take('flood', 'f3'); // within the flood's share of 4, but behind quiet's prefill
  await settle();
  assert.deepEqual(order, ['f1', 'f2', 'q0']);
  releases.get('q0')!.firstToken();
  await settle();
  assert.deepEqual(order.slice(3), ['f3']);
});
