import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserCounters } from '../../../sidecar/users/userCounters';

test('started/finished/queued/refused move each user’s figures; declared users start at zero', () => {
  const counters = new UserCounters();
  counters.declare(['alice', 'bob']);
  counters.started('alice');
  counters.started('alice');
  counters.finished('alice', { promptTokens: 10, completionTokens: 5 });
  counters.finished('alice', {});
  counters.finished('alice', { completionTokens: 1 }); // one too many: in flight stays at 0
  counters.queued('bob', 1);
  counters.queued('bob', 1);
  counters.queued('bob', -1);
  counters.refused('bob', 'tokensPerMinute');
  counters.refused('bob', 'queue');
  counters.refused('bob', 'queue');
  counters.declare(['alice']); // declaring again keeps the figures
  const [alice, bob] = counters.snapshot();
  assert.deepEqual(alice, {
    user: 'alice',
    requests: 2,
    promptTokens: 10,
    completionTokens: 6,
    inFlight: 0,
    queued: 0,
    refused: { requestsPerMinute: 0, tokensPerMinute: 0, queue: 0 },
  });
  assert.equal(bob?.queued, 1);
  assert.deepEqual(bob?.refused, { requestsPerMinute: 0, tokensPerMinute: 1, queue: 2 });
});

test('snapshot rows are copies', () => {
  const counters = new UserCounters();
  counters.refused('a', 'queue');
  const row = counters.snapshot()[0]!;
  row.refused.queue = 99;
  row.requests = 99;
  assert.equal(counters.snapshot()[0]?.refused.queue, 1);
  assert.equal(counters.snapshot()[0]?.requests, 0);
});

test('render: each family once with HELP and TYPE, one sample per user (and kind/cause), labels escaped', () => {
  const counters = new UserCounters();
  counters.declare(['alice', 'we"ird\\name']);
  counters.started('alice');
  counters.finished('alice', { promptTokens: 7, completionTokens: 3 });
  counters.started('alice');
  counters.refused('alice', 'requestsPerMinute');
  const text = counters.render();
  assert.ok(text.endsWith('\n'));
  const lines = text.trimEnd().split('\n');
  for (const family of [
    'vllm_pools_user_requests_total',
    'vllm_pools_user_tokens_total',
    'vllm_pools_user_inflight_requests',
    'vllm_pools_user_queued_requests',
    'vllm_pools_user_rate_limited_total',
  ]) {
    assert.equal(lines.filter((line) => line.startsWith(`# HELP ${family} `)).length, 1, family);
    assert.equal(lines.filter((line) => line.startsWith(`# TYPE ${family} `)).length, 1, family);
  }
  assert.ok(lines.includes('# TYPE vllm_pools_user_requests_total counter'));
  assert.ok(lines.includes('# TYPE vllm_pools_user_inflight_requests gauge'));
  assert.ok(lines.includes('vllm_pools_user_requests_total{user="alice"} 2'));
  assert.ok(lines.includes('vllm_pools_user_tokens_total{user="alice",kind="prompt"} 7'));
  assert.ok(lines.includes('vllm_pools_user_tokens_total{user="alice",kind="completion"} 3'));
  assert.ok(lines.includes('vllm_pools_user_inflight_requests{user="alice"} 1'));
  assert.ok(lines.includes('vllm_pools_user_rate_limited_total{user="alice",cause="requestsPerMinute"} 1'));
  assert.ok(lines.includes('vllm_pools_user_rate_limited_total{user="alice",cause="queue"} 0'));
  assert.ok(lines.includes('vllm_pools_user_requests_total{user="we\\"ird\\\\name"} 0'), text);
  const samples = lines.filter((line) => !line.startsWith('#'));
  assert.equal(samples.length, 2 * (1 + 2 + 1 + 1 + 3));
  for (const sample of samples)
    assert.match(sample, /^vllm_pools_user_[a-z_]+\{user="[^\n]*"(,[a-z]+="[a-zA-Z]+")?\} \d+$/);
});
