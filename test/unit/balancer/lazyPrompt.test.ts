// The prompt is rendered only when a balancer reads it (algorithms that never look at it cost no rendering), and
// requests that run no prefill (count_tokens, /tokenize) leave nothing in prefix-aware's index.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALGORITHM_IDS, type AlgorithmId } from '../../../core/protocol';
import { LazyRoutedRequest } from '../../../sidecar/balancer/lazyRoutedRequest';
import { createPrefixAware } from '../../../sidecar/balancer/prefixAware';
import { createBalancer } from '../../../sidecar/balancer/registry';
import { anthropicDialect } from '../../../sidecar/dialects/anthropic';
import { openaiDialect } from '../../../sidecar/dialects/openai';
import { responsesDialect } from '../../../sidecar/dialects/responses';
import { finish, replicas, send, testContext } from './helpers';

const LONG = 'shared repository context '.repeat(200);

const bodies = {
  openai: {
    model: 'm',
    messages: [
      { role: 'system', content: LONG },
      { role: 'user', content: 'q' },
    ],
  },
  'openai-responses': { model: 'm', instructions: LONG, input: [{ role: 'user', content: 'q' }] },
  anthropic: { model: 'm', max_tokens: 4, system: LONG, messages: [{ role: 'user', content: 'q' }] },
};
const dialects = [openaiDialect, responsesDialect, anthropicDialect];

/** Algorithms that read the prompt: prefix-aware always, consistent-hash when the request names no session. */
const READS_PROMPT: ReadonlySet<AlgorithmId> = new Set(['prefix-aware', 'consistent-hash']);

test('algorithms that do not use the prompt never render it, in any dialect', () => {
  for (const algorithm of ALGORITHM_IDS) {
    for (const dialect of dialects) {
      const balancer = createBalancer(algorithm, testContext());
      const pool = replicas(3);
      const routed = dialect.routedRequest(bodies[dialect.id], {});
      assert.ok(routed instanceof LazyRoutedRequest);
      assert.equal(routed.promptRendered, false, 'building the request renders nothing');
      assert.equal(routed.model, 'm');
      const sent = send(balancer, pool, routed);
      finish(balancer, sent, routed, { ok: true, ttftMs: 20 });
      assert.equal(
        routed.promptRendered,
        READS_PROMPT.has(algorithm),
        `${algorithm} on ${dialect.id}: rendered only if it reads the prompt`,
      );
    }
  }
});

test('consistent-hash with a session key keys on the session: no rendering', () => {
  const balancer = createBalancer('consistent-hash', testContext());
  const routed = openaiDialect.routedRequest(bodies.openai, { 'x-session-id': 's-1' }) as LazyRoutedRequest;
  send(balancer, replicas(3), routed);
  assert.equal(routed.promptRendered, false);
});

test('rendered once, on first read; the lead is kept only when something follows it', () => {
  let renders = 0;
  const routed = new LazyRoutedRequest({ model: 'm', sessionKey: undefined, cacheSalt: undefined }, () => {
    renders += 1;
    return { text: 'lead and more', leadChars: 4 };
  });
  assert.equal(renders, 0);
  assert.equal(routed.promptText, 'lead and more');
  assert.equal(routed.leadMessageChars, 4);
  assert.equal(routed.promptText, 'lead and more');
  assert.equal(renders, 1);
  const alone = new LazyRoutedRequest({ model: 'm', sessionKey: undefined, cacheSalt: undefined }, () => ({
    text: 'lead',
    leadChars: 4,
  }));
  assert.equal(alone.leadMessageChars, undefined);
});

test('count_tokens and /tokenize are routed but fill no cache; /v1/messages and chat do', () => {
  const count = anthropicDialect.routedRequest(bodies.anthropic, {}, '/v1/messages/count_tokens');
  assert.equal(count.fillsCache, false);
  assert.equal(anthropicDialect.routedRequest(bodies.anthropic, {}, '/v1/messages').fillsCache, undefined);
  assert.equal(openaiDialect.routedRequest({ model: 'm', prompt: 'x' }, {}, '/tokenize').fillsCache, false);
  assert.equal(openaiDialect.routedRequest(bodies.openai, {}, '/v1/chat/completions').fillsCache, undefined);
  assert.equal(responsesDialect.routedRequest({}, {}, '/v1/responses/resp_1/cancel').fillsCache, false);
  assert.equal(responsesDialect.routedRequest(bodies['openai-responses'], {}, '/v1/responses').fillsCache, undefined);
});

test('prefix-aware: a count_tokens request leaves no affinity; the same prompt generated does', () => {
  for (const [first, expected] of [
    ['/v1/messages/count_tokens', 'cold'],
    ['/v1/messages', 'affinity'],
  ] as const) {
    const balancer = createPrefixAware(testContext());
    const pool = replicas(4);
    const body = { ...bodies.anthropic, messages: [{ role: 'user', content: `question ${'x'.repeat(2000)}` }] };
    const sent = send(balancer, pool, anthropicDialect.routedRequest(body, {}, first));
    finish(balancer, sent, anthropicDialect.routedRequest(body, {}, first));
    send(balancer, pool, anthropicDialect.routedRequest(body, {}, '/v1/messages'));
    assert.equal(balancer.lastDecision, expected, `after ${first}`);
  }
});
