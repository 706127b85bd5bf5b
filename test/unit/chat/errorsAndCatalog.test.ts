import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolState, StateSnapshot } from '../../../core/protocol';
import { describeChatFailure } from '../../../extension/chat/errorText';
import { buildModelCatalog, catalogKey, tokenBudget } from '../../../extension/chat/modelCatalog';
import { EndpointError } from '../../../extension/chat/streamAssembler';

const context = { endpoint: 'http://127.0.0.1:8800/v1', model: 'llama' };

test('failures read as what to do: sidecar stopped, no healthy replica (with Retry-After), unknown model, token', () => {
  const stopped = describeChatFailure(
    new EndpointError('connect ECONNREFUSED 127.0.0.1:8800', 0, 'connection'),
    context,
  );
  assert.equal(stopped.code, 'Unavailable');
  assert.match(stopped.message, /sidecar is not running.*127\.0\.0\.1:8800.*Start Sidecar/);
  const down = describeChatFailure(
    Object.assign(new EndpointError('no healthy replica in pool main', 503, 'service_unavailable'), { retryAfter: 5 }),
    context,
  );
  assert.equal(down.code, 'Unavailable');
  assert.match(
    down.message,
    /no healthy replica can take a request for llama.*no healthy replica in pool main.*Try again in 5 s/,
  );
  const missing = describeChatFailure(
    new EndpointError('The model `llama` does not exist.', 404, 'NotFoundError'),
    context,
  );
  assert.equal(missing.code, 'NotFound');
  assert.match(describeChatFailure(new EndpointError('x', 401, undefined), context).message, /clientToken/);
  assert.match(describeChatFailure(new EndpointError('timeout', 504, undefined), context).message, /firstByte/);
  assert.match(describeChatFailure(new Error('boom'), context).message, /llama failed: boom/);
});

function pool(name: string, models: string[], healthy: number, total = 2): PoolState {
  return { name, algorithm: 'least-connections', models, healthy, total, replicas: [] };
}

function snapshot(pools: PoolState[]): StateSnapshot {
  return {
    version: 't',
    algorithm: 'least-connections',
    endpoint: 'http://127.0.0.1:8800/v1',
    configPath: null,
    startedAt: 0,
    now: 0,
    pools,
    streams: [],
  };
}

test('every model of every pool is offered, with context from max_model_len (or 8192), each once', () => {
  const state = snapshot([pool('big', ['llama-70b'], 2), pool('small', ['qwen', 'llama-70b'], 0)]);
  const models = buildModelCatalog(state, [{ id: 'llama-70b', max_model_len: 131072 }]);
  assert.deepEqual(
    models.map((m) => [m.id, m.family, m.version, m.maxInputTokens, m.maxOutputTokens, m.detail]),
    [
      ['llama-70b', 'llama-70b', 'big', 131072 - 4096, 4096, 'vLLM pool big · 2/2 healthy'],
      ['qwen', 'qwen', 'small', 8192 - 2048, 2048, 'vLLM pool small · no healthy replica'],
    ],
  );
  assert.equal(models[0]?.capabilities.toolCalling, true);
  assert.equal(buildModelCatalog(undefined, []).length, 0);
});

test('token budget: a quarter of the context for output, at most 4096', () => {
  assert.deepEqual(tokenBudget(32768), { maxInputTokens: 28672, maxOutputTokens: 4096 });
  assert.deepEqual(tokenBudget(2048), { maxInputTokens: 1536, maxOutputTokens: 512 });
});

test('the catalog key changes when models or pool availability change, not on every snapshot', () => {
  const a = catalogKey(snapshot([pool('p', ['m'], 2)]));
  assert.equal(catalogKey(snapshot([pool('p', ['m'], 1)])), a, 'a replica fewer: same offer');
  assert.notEqual(catalogKey(snapshot([pool('p', ['m'], 0)])), a);
  assert.notEqual(catalogKey(snapshot([pool('p', ['m', 'n'], 2)])), a);
  assert.equal(catalogKey(undefined), '');
});
