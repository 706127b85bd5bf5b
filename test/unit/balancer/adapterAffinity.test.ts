import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADAPTER_MAX_WAITING, adapterRank, preferAdapterReplicas } from '../../../sidecar/balancer/adapterAffinity';
import type { LoraActivity } from '../../../sidecar/balancer/types';
import { type MutableReplica, replica } from './helpers';

function lora(running: string[], waiting: string[] = [], maxLora = 1): LoraActivity {
  return { running, waiting, maxLora };
}

function withLora(name: string, activity: LoraActivity | undefined, waiting = 0): MutableReplica {
  return replica(name, {
    engine: { running: 1, waiting, kvCacheUsage: 0.2, scrapedAt: 0, ...(activity ? { lora: activity } : {}) },
  });
}

const names = (list: readonly MutableReplica[]) => list.map((r) => r.name);

test('ranks: resident, room (or unknown), contested, full', () => {
  assert.equal(adapterRank('a', lora(['a'])), 0);
  assert.equal(adapterRank('a', lora([])), 1, 'nothing running: a slot is free');
  assert.equal(adapterRank('a', undefined), 1, 'no LoRA state: neutral');
  assert.equal(adapterRank('a', lora([], ['a'])), 1, 'only this adapter waits: its slot is coming');
  assert.equal(adapterRank('a', lora(['a'], ['b'])), 2, 'running, but b waits for the slot');
  assert.equal(adapterRank('a', lora(['b'])), 3, 'max_lora 1 held by b');
  assert.equal(adapterRank('a', lora([], ['b'])), 3, 'the free slot is promised to b');
  assert.equal(adapterRank('a', lora(['b'], [], 2)), 1, 'max_lora 2: room beside b');
  assert.equal(adapterRank('a', lora(['b', 'c'], [], 2)), 3);
  assert.equal(adapterRank('a', lora(['a', 'b'], [], 2)), 0);
});

test('a request for an adapter goes where it runs, not where another adapter holds the slot', () => {
  const candidates = [withLora('r0', lora(['b'])), withLora('r1', lora(['a'])), withLora('r2', lora(['b']))];
  assert.deepEqual(names(preferAdapterReplicas(candidates, 'a')), ['r1']);
  assert.deepEqual(names(preferAdapterReplicas(candidates, 'b')), ['r0', 'r2']);
});

test('with the adapter running nowhere, replicas with a free slot are preferred over full ones', () => {
  const candidates = [withLora('r0', lora(['b'])), withLora('r1', lora([])), withLora('r2', undefined)];
  assert.deepEqual(names(preferAdapterReplicas(candidates, 'a')), ['r1', 'r2']);
});

test('a resident replica where another adapter waits is used only when nothing better exists', () => {
  const contested = withLora('r0', lora(['a'], ['b']));
  assert.deepEqual(names(preferAdapterReplicas([contested, withLora('r1', lora([]))], 'a')), ['r1']);
  assert.deepEqual(names(preferAdapterReplicas([contested, withLora('r1', lora(['c']))], 'a')), ['r0']);
});

test('overloaded resident replicas are skipped; when every good one is overloaded, all candidates stay', () => {
  const busy = withLora('r0', lora(['a']), ADAPTER_MAX_WAITING + 1);
  const idle = withLora('r1', lora([]), 0);
  const full = withLora('r2', lora(['b']), 0);
  assert.deepEqual(names(preferAdapterReplicas([busy, idle, full], 'a')), ['r1'], 'a free slot beats a long queue');
  assert.deepEqual(
    names(preferAdapterReplicas([busy, full], 'a')),
    ['r0', 'r2'],
    'nothing but full or overloaded replicas: the algorithm decides by load',
  );
  const atLimit = withLora('r0', lora(['a']), ADAPTER_MAX_WAITING);
  assert.deepEqual(names(preferAdapterReplicas([atLimit, idle], 'a')), ['r0'], 'the limit itself is not overloaded');
});

test('never empty, and unchanged when no replica publishes LoRA state or there is one candidate', () => {
  const plain = [withLora('r0', undefined), withLora('r1', undefined)];
  assert.equal(preferAdapterReplicas(plain, 'a'), plain);
  const one = [withLora('r0', lora(['b']))];
  assert.equal(preferAdapterReplicas(one, 'a'), one);
  const allFull = [withLora('r0', lora(['b'])), withLora('r1', lora(['c']))];
  assert.deepEqual(names(preferAdapterReplicas(allFull, 'a')), ['r0', 'r1']);
  const allOverloaded = [withLora('r0', lora(['a']), 50), withLora('r1', lora([]), 50)];
  assert.deepEqual(names(preferAdapterReplicas(allOverloaded, 'a')), ['r0', 'r1']);
});
