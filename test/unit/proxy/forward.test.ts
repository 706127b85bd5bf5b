// forward (retry policy) and attempt (one exchange) driven by a fake transport and a fake response sink: what reaches
// the client, when another replica is tried, and what the recorder writes (stats, health, in-flight, hooks, event).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forward } from '../../../sidecar/proxy/forward';
import { answers, fails, harness, raw, sse } from './fakes';

test('streams an SSE answer chunk by chunk and records it once', async () => {
  const h = harness(['a'], {
    a: ({ receiver }) => {
      receiver.onHead(200, raw('Content-Type', 'text/event-stream', 'Connection', 'keep-alive', 'X-Up', '1'));
      for (const event of sse('Hel', 'lo')) {
        h.clock.t += 10;
        assert.equal(receiver.onData(Buffer.from(event)), true);
      }
      receiver.onEnd();
    },
  });
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  assert.equal(h.sink.status, 200);
  assert.equal(h.sink.flushed, true, 'an SSE head is flushed at once');
  assert.equal(h.sink.header('x-vllm-pools-pool'), 'p');
  assert.equal(h.sink.header('x-vllm-pools-replica'), 'a');
  assert.equal(h.sink.header('x-up'), '1');
  assert.equal(h.sink.header('connection'), undefined, 'hop-by-hop headers do not cross');
  assert.equal(h.sink.text, sse('Hel', 'lo').join(''));
  assert.equal(h.sink.ended, true);
  const call = h.transport.exchanges[0]!.call;
  assert.deepEqual(call.headers, ['Content-Type', 'application/json', 'Authorization', 'Bearer client']);
  assert.equal(call.headersTimeout, 2000);
  assert.equal(call.bodyTimeout, 3000);
  assert.equal(h.events.length, 1);
  const event = h.events[0]!;
  assert.equal(event.status, 200);
  assert.equal(event.error, null);
  assert.equal(event.tokens, 2);
  assert.equal(event.ttftMs, 10);
  assert.equal(event.attempts, 1);
  const a = h.replica('a');
  assert.equal(a.inflight, 0);
  assert.equal(a.stats.requests, 1);
  assert.equal(a.stats.tokens, 2);
  assert.equal(h.streams.size, 0);
  assert.deepEqual(h.hooks, ['start a', 'finish a true']);
  assert.equal(h.counters.byPoolStatus.get('p\u0000200')?.count, 1);
});

test('a non-streamed answer: usage read from the body, the first byte stands for the first token', async () => {
  const h = harness(['a'], { a: answers(200, '{"id":"x","usage":{"prompt_tokens":4,"completion_tokens":7}}') });
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  assert.equal(h.sink.flushed, false);
  assert.equal(h.events[0]!.tokens, 7);
  assert.equal(h.events[0]!.ttftMs, 0);
  assert.equal(h.replica('a').stats.tokens, 7);
});

test('a connect error before the head is retried on another replica', async () => {
  const h = harness(['a', 'b'], { a: fails('ECONNREFUSED'), b: answers(200) });
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  assert.deepEqual(
    h.transport.exchanges.map((exchange) => exchange.replica),
    ['a', 'b'],
  );
  assert.equal(h.sink.status, 200);
  assert.equal(h.sink.header('x-vllm-pools-attempts'), '2');
  assert.equal(h.events[0]!.attempts, 2);
  assert.equal(h.events[0]!.replica, 'b');
  assert.equal(h.counters.retriesByPool.get('p'), 1);
  assert.equal(h.replica('a').stats.retries, 1);
  assert.equal(h.replica('a').stats.errorsByKind.get('connect'), 1);
  assert.equal(h.replica('a').health.lastError, 'connect failed (ECONNREFUSED)');
  assert.deepEqual(h.hooks, ['start a', 'finish a false', 'start b', 'finish b true']);
  assert.equal(h.replica('a').inflight + h.replica('b').inflight, 0);
});

test('503 before the first byte goes to another replica; the refused body is not sent', async () => {
  const h = harness(['a', 'b'], { a: answers(503, '{"error":"busy"}'), b: answers(200, '{"ok":1}') });
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  assert.equal(h.sink.status, 200);
  assert.equal(h.sink.text, '{"ok":1}');
  assert.equal(h.events[0]!.attempts, 2);
});

test('the last replica answering 503 passes its answer on when no wait fits before the deadline', async () => {
  const h = harness(['a'], { a: answers(503, '{"error":"busy"}') });
  await forward({ clock: h.clock, transport: h.transport }, { ...h.request, deadlineAt: h.clock.now() });
  assert.equal(h.sink.status, 503);
  assert.equal(h.sink.text, '{"error":"busy"}');
  assert.equal(h.events[0]!.status, 503);
  assert.equal(h.events[0]!.error, 'status');
});

/** A replica that answers 429 with `retry-after` until `busyFor` requests have been refused, then 200. */
function busyThenOk(busyFor: number, retryAfter: string): ReplicaScriptLike {
  let refused = 0;
  return ({ receiver }) => {
    if (refused < busyFor) {
      refused += 1;
      const body = '{"error":"slow down"}';
      receiver.onHead(429, raw('content-type', 'application/json', 'retry-after', retryAfter, 'content-length', '21'));
      receiver.onData(Buffer.from(body));
      receiver.onEnd();
      return;
    }
    answers(200, '{"ok":1}')({ receiver } as Parameters<ReplicaScriptLike>[0]);
  };
}
type ReplicaScriptLike = Parameters<typeof harness>[1][string];

test('429 with Retry-After on every replica: waits what the replica asked, then another round succeeds', async () => {
  const h = harness(['a', 'b'], { a: busyThenOk(1, '2'), b: busyThenOk(1, '2') });
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    h.clock.t += ms;
  };
  await forward({ clock: h.clock, transport: h.transport, sleep, random: () => 0.5 }, h.request);
  assert.deepEqual(waits, [2200], 'Retry-After 2 s plus 10 % jitter, once');
  assert.equal(h.sink.status, 200);
  assert.equal(h.sink.text, '{"ok":1}');
  assert.equal(h.events[0]!.attempts, 3);
  assert.equal(h.replica('a').health.state() === 'unhealthy', false, 'a 429 is no failure of the replica');
});

test('waits stop at the deadline: the sidecar answers 429 itself, with Retry-After, in the dialect', async () => {
  const h = harness(['a'], { a: busyThenOk(100, '3') });
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    h.clock.t += ms;
  };
  const deadlineAt = h.clock.now() + 5000;
  await forward({ clock: h.clock, transport: h.transport, sleep, random: () => 0 }, { ...h.request, deadlineAt });
  assert.deepEqual(waits, [3000], 'a second 3 s wait would pass the deadline');
  assert.equal(h.sink.status, 429);
  assert.equal(h.sink.header('retry-after'), '3');
  assert.match(JSON.parse(h.sink.text).error.message, /every replica of pool "p" is busy/);
  assert.equal(JSON.parse(h.sink.text).error.type, 'rate_limit_error');
  assert.equal(h.events[0]!.error, 'overloaded');
  assert.equal(h.transport.exchanges.length, 2);
});

test('with a fallback pool, a pool that cannot take the request is left unanswered for the caller', async () => {
  const h = harness(['a'], { a: busyThenOk(100, '1') });
  const outcome = await forward(
    { clock: h.clock, transport: h.transport, sleep: async () => undefined },
    { ...h.request, deadlineAt: h.clock.now(), fallbackAvailable: true },
  );
  assert.equal(outcome, 'exhausted');
  assert.equal(h.sink.headersSent, false);
  assert.equal(h.events.length, 0, 'the request is not finished: the fallback pool answers it');
});

test('never retried after the first byte: a stream cut mid-way ends with the dialect error tail', async () => {
  const h = harness(['a', 'b'], {
    a: ({ receiver }) => {
      receiver.onHead(200, raw('content-type', 'text/event-stream'));
      receiver.onData(Buffer.from(sse('x')[0]!));
      receiver.onData(Buffer.from('data: {"choi'));
      receiver.onError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    },
    b: answers(200),
  });
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  assert.equal(h.transport.exchanges.length, 1);
  assert.match(
    h.sink.text,
    /data: \{"choi\n\ndata: \{"error":\{"message":"replica a failed mid-stream: connection reset \(ECONNRESET\)"/,
  );
  assert.ok(h.sink.text.endsWith('data: [DONE]\n\n'));
  assert.equal(h.events[0]!.status, 200);
  assert.equal(h.events[0]!.error, 'reset');
  assert.ok(h.logLines.some((line) => line.includes('upstream failed mid-response')));
});

test('a client that leaves mid-stream aborts the upstream at once', async () => {
  const h = harness(['a', 'b'], {
    a: ({ receiver }) => {
      receiver.onHead(200, raw('content-type', 'text/event-stream'));
      receiver.onData(Buffer.from(sse('x')[0]!));
      h.sink.leave();
    },
    b: answers(200),
  });
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  const exchange = h.transport.exchanges[0]!;
  assert.equal(exchange.aborted?.name, 'AbortError');
  assert.equal(h.transport.exchanges.length, 1);
  assert.equal(h.sink.destroyed, true);
  assert.equal(h.events[0]!.error, 'client-abort');
  assert.equal(h.replica('a').stats.errors, 0, 'a client abort is not the replica failing');
  assert.equal(h.replica('a').stats.errorsByKind.get('client-abort'), 1);
  assert.equal(h.replica('a').inflight, 0);
});

test('a client that leaves before the head: 499, no retry', async () => {
  const h = harness(['a', 'b'], { a: () => h.sink.leave(), b: answers(200) });
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  assert.equal(h.transport.exchanges.length, 1);
  assert.equal(h.sink.headersSent, false);
  assert.equal(h.events[0]!.status, 499);
  assert.equal(h.events[0]!.error, 'client-abort');
});

test('all attempts fail: 502 in the dialect, naming the attempts; a first-byte timeout gives 504', async () => {
  const h = harness(['a', 'b'], { a: fails('ECONNRESET'), b: fails('ECONNREFUSED') });
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  assert.equal(h.sink.status, 502);
  assert.equal(h.sink.header('x-vllm-pools-attempts'), '2');
  const body = JSON.parse(h.sink.text) as { error: { message: string; type: string } };
  assert.match(body.error.message, /all 2 attempts failed; last on replica b/);
  assert.equal(body.error.type, 'upstream_error');
  assert.equal(h.events[0]!.error, 'connect');

  const t = harness(['a'], { a: fails('UND_ERR_HEADERS_TIMEOUT') });
  await forward({ clock: t.clock, transport: t.transport }, t.request);
  assert.equal(t.sink.status, 504);
  assert.equal(t.events[0]!.error, 'timeout');
});

test('retries stop at the pool limit', async () => {
  const h = harness(
    ['a', 'b', 'c'],
    { a: fails('ECONNREFUSED'), b: fails('ECONNREFUSED'), c: answers(200) },
    {
      retries: 1,
    },
  );
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  assert.equal(h.transport.exchanges.length, 2);
  assert.equal(h.sink.status, 502);
});

test('no healthy replica: 503 with Retry-After', async () => {
  const h = harness(['a'], { a: answers(200) });
  h.replica('a').health.drain('test');
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  assert.equal(h.transport.exchanges.length, 0);
  assert.equal(h.sink.status, 503);
  assert.equal(h.sink.header('retry-after'), '5');
  assert.equal(h.events[0]!.error, 'no-healthy-replica');
  assert.equal(h.events[0]!.attempts, 0);
});

test('a full client buffer pauses the replica until it drains', async () => {
  let resolveEnd: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    resolveEnd = resolve;
  });
  const h = harness(['a'], {
    a: ({ receiver }) => {
      receiver.onHead(200, raw('content-type', 'text/event-stream'));
      h.sink.writable = false;
      assert.equal(receiver.onData(Buffer.from(sse('x')[0]!)), false);
      h.sink.listener?.onDrain();
      h.sink.writable = true;
      receiver.onEnd();
      resolveEnd();
    },
  });
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  await ended;
  assert.equal(h.transport.exchanges[0]!.resumed, 1);
});

test('the replica key replaces the client Authorization', async () => {
  const h = harness(['a'], { a: answers(200) });
  h.replica('a').apiKey = 'replica-key';
  await forward({ clock: h.clock, transport: h.transport }, h.request);
  assert.deepEqual(h.transport.exchanges[0]!.call.headers, [
    'Content-Type',
    'application/json',
    'authorization',
    'Bearer replica-key',
  ]);
});

test('count_tokens (fills no cache): its quick answer is no time to first token for the stats or the balancer', async () => {
  const h = harness(['a'], { a: answers(200, '{"input_tokens":12}') });
  const routed = { model: 'm', sessionKey: undefined, promptText: 'hi', cacheSalt: undefined, fillsCache: false };
  h.recorder.routedTo(h.pool, 'm', false, routed, 10);
  await forward({ clock: h.clock, transport: h.transport }, { ...h.request, routed });
  assert.equal(h.sink.status, 200);
  assert.equal(h.events[0]!.ttftMs, null);
  assert.equal(h.replica('a').ttftEwmaMs, undefined);
});
