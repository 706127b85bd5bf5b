import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleOf } from '../../../core/dashboard/history';
import { replicaKey } from '../../../core/dashboard/messages';
import type { RequestEvent, StateSnapshot } from '../../../core/protocol';
import {
  applyHostMessage,
  emptyModel,
  expirePending,
  noteAlgorithmChoice,
  noteReplicaAction,
  PENDING_TIMEOUT_MS,
  persistedOf,
  RECENT_REQUESTS_SHOWN,
  restoreModel,
} from '../../../webview/dashboard/model';
import { lastSnapshot, recordFixture, requestEvents } from '../../integration/dashboard/fixture';

const recording = recordFixture({ seconds: 30 });
const snapshot = lastSnapshot(recording);
const requests = requestEvents(recording);

function withAlgorithm(state: StateSnapshot, pool: string, algorithm: StateSnapshot['algorithm']): StateSnapshot {
  return { ...state, pools: state.pools.map((p) => (p.name === pool ? { ...p, algorithm } : p)) };
}

function withReplicaState(state: StateSnapshot, replica: string, health: 'healthy' | 'draining'): StateSnapshot {
  return {
    ...state,
    pools: state.pools.map((p) => ({
      ...p,
      replicas: p.replicas.map((r) => (r.name === replica ? { ...r, state: health } : r)),
    })),
  };
}

const update = (state: StateSnapshot | null, reqs: RequestEvent[] = []) =>
  ({ type: 'update', state, samples: state ? [sampleOf(state)] : [], requests: reqs }) as const;

test('updates append samples and keep the newest requests first, up to the shown limit', () => {
  const model = emptyModel();
  applyHostMessage(model, update(snapshot, requests.slice(0, 5)), 0);
  applyHostMessage(model, update(null, requests.slice(5, 40)), 0);
  assert.equal(model.state, snapshot);
  assert.equal(model.history.length, 1);
  assert.equal(model.recent.length, RECENT_REQUESTS_SHOWN);
  assert.equal(model.recent[0]!.id, requests[39]!.id);
});

test('a chosen algorithm shows until the snapshot confirms it', () => {
  const model = emptyModel();
  applyHostMessage(model, update(snapshot), 0);
  noteAlgorithmChoice(model, 'qwen-coder', 'queue-aware', 10);
  applyHostMessage(model, update(snapshot), 100);
  assert.equal(model.pendingAlgorithms.get('qwen-coder')?.value, 'queue-aware');
  applyHostMessage(model, update(withAlgorithm(snapshot, 'qwen-coder', 'queue-aware')), 200);
  assert.equal(model.pendingAlgorithms.size, 0);
});

test('a refused choice is dropped with its error; an unconfirmed one expires', () => {
  const model = emptyModel();
  applyHostMessage(model, update(snapshot), 0);
  noteAlgorithmChoice(model, 'qwen-coder', 'queue-aware', 0);
  applyHostMessage(
    model,
    { type: 'actionResult', action: 'setAlgorithm', pool: 'qwen-coder', replica: null, ok: false, message: '401' },
    10,
  );
  assert.equal(model.pendingAlgorithms.size, 0);
  assert.equal(model.errors.get('qwen-coder'), '401');

  noteAlgorithmChoice(model, 'qwen-coder', 'round-robin', 1000);
  assert.equal(model.errors.size, 0, 'a new choice clears the old error');
  applyHostMessage(model, update(snapshot), 1000 + PENDING_TIMEOUT_MS);
  assert.equal(model.pendingAlgorithms.size, 1);
  applyHostMessage(model, update(snapshot), 1001 + PENDING_TIMEOUT_MS);
  assert.equal(model.pendingAlgorithms.size, 0);
});

test('drain waits for the replica to show draining; enable for it to stop draining', () => {
  const model = emptyModel();
  applyHostMessage(model, update(snapshot), 0);
  const gpuA = replicaKey('llama-8b', 'gpu-a');
  noteReplicaAction(model, 'llama-8b', 'gpu-a', 'drain', 0);
  applyHostMessage(model, update(snapshot), 10);
  assert.equal(model.pendingReplicaActions.get(gpuA)?.value, 'drain');
  applyHostMessage(model, update(withReplicaState(snapshot, 'gpu-a', 'draining')), 20);
  assert.equal(model.pendingReplicaActions.size, 0);

  noteReplicaAction(model, 'llama-8b', 'gpu-b', 'enable', 30);
  applyHostMessage(model, update(withReplicaState(snapshot, 'gpu-b', 'healthy')), 40);
  assert.equal(model.pendingReplicaActions.size, 0);
});

test('what is saved restores the same picture; anything else restores an empty one', () => {
  const model = emptyModel();
  applyHostMessage(model, update(snapshot, requests.slice(0, 3)), 0);
  const restored = restoreModel(JSON.parse(JSON.stringify(persistedOf(model))));
  assert.deepEqual(restored.state, snapshot);
  assert.equal(restored.recent.length, 3);
  assert.equal(restored.history.length, 1);
  assert.equal(restoreModel(undefined).state, null);
  assert.equal(restoreModel({ version: 99, state: snapshot }).state, null);
});

test('a stopped sidecar sends no snapshot: a drain is dropped on the lost link, and expires without snapshots', () => {
  const model = emptyModel();
  applyHostMessage(model, update(snapshot), 0);
  applyHostMessage(model, { type: 'connection', connection: { state: 'connected', detail: null } }, 0);
  noteReplicaAction(model, 'llama-8b', 'gpu-a', 'drain', 0);
  applyHostMessage(model, { type: 'connection', connection: { state: 'disconnected', detail: 'stopped' } }, 10);
  assert.equal(model.pendingReplicaActions.size, 0, 'not "Draining…" while nothing can confirm it');

  applyHostMessage(model, { type: 'connection', connection: { state: 'connected', detail: null } }, 20);
  noteReplicaAction(model, 'llama-8b', 'gpu-a', 'drain', 20);
  noteAlgorithmChoice(model, 'qwen-coder', 'round-robin', 20);
  expirePending(model, 20 + PENDING_TIMEOUT_MS);
  assert.equal(model.pendingReplicaActions.size, 1);
  expirePending(model, 21 + PENDING_TIMEOUT_MS);
  assert.equal(model.pendingReplicaActions.size, 0);
  assert.equal(model.pendingAlgorithms.size, 0);
});
