import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../../sidecar/proxy/headers';
import { routeOf } from '../../../sidecar/proxy/routes';

test('route table: /v1 prefix, vLLM root paths kept, /pools/{pool}/, the models route', () => {
  assert.equal(routeOf('POST', '/chat/completions', '').upstreamPath, '/v1/chat/completions');
  assert.equal(routeOf('POST', '/v1/chat/completions', '?a=1').upstreamPath, '/v1/chat/completions?a=1');
  assert.equal(routeOf('POST', '/tokenize', '').upstreamPath, '/tokenize');
  assert.equal(routeOf('POST', '/v2/rerank', '').upstreamPath, '/v2/rerank');
  const pooled = routeOf('POST', '/pools/big/score', '');
  assert.equal(pooled.pool, 'big');
  assert.equal(pooled.upstreamPath, '/score');
  assert.equal(routeOf('GET', '/pools/big/v1/models', '').models, true);
  assert.equal(routeOf('POST', '/v1/models', '').models, false);
  assert.equal(routeOf('POST', '/v1/chat/completions', '').dialect.id, 'openai');
});

test('headers: hop-by-hop and named-by-Connection headers dropped both ways', () => {
  const up = upstreamRequestHeaders(['Host', 'x', 'Connection', 'x-drop', 'X-Drop', '1', 'Accept', 'a'], undefined);
  assert.deepEqual(up, ['Accept', 'a']);
  const down = clientResponseHeaders(
    ['Content-Type', 'text/event-stream', 'Transfer-Encoding', 'chunked', 'Content-Length', '12'].map((v) =>
      Buffer.from(v),
    ),
  );
  assert.deepEqual(down.list, ['content-type', 'text/event-stream', 'content-length', '12']);
  assert.equal(down.eventStream, true);
  assert.equal(down.contentLength, 12);
});
