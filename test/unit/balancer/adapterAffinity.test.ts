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

test('an idle replica whose slot still holds the adapter ranks as resident; a full batch of others does not', () => {
  const idleWith = (resident: string[], running: string[] = [], maxLora = 1): LoraActivity => ({
    running,
    waiting: [],
    maxLora,
    resident,
  });
  assert.equal(adapterRank('a', idleWith(['a'])), 0, 'nothing running, a still in its slot: no swap');
  assert.equal(adapterRank('a', idleWith(['b'])), 1, 'a free slot, but loading a evicts b');
  assert.equal(adapterRank('a', idleWith(['a'], ['b'])), 3, 'max_lora 1 held by the running b');
  assert.equal(adapterRank('a', idleWith(['a', 'b'], ['b'], 2)), 0, 'max_lora 2: a can join b without a swap');
  assert.equal(adapterRank('a', { ...idleWith(['a']), waiting: ['b'] }), 3, 'the free slot is promised to b');
  const candidates = [
    withLora('r0', idleWith(['b'])),
    withLora('r1', idleWith(['a'])),
    withLora('r2', idleWith(['b'])),
  ];
  assert.deepEqual(names(preferAdapterReplicas(candidates, 'a')), ['r1'], 'idle fleet: a goes where it last ran');
  assert.deepEqual(names(preferAdapterReplicas(candidates, 'b')), ['r0', 'r2']);
});

test('a request for an adapter goes where it runs, not where another adapter holds the slot', () => {
  const candidates = [withLora('r0', lora(['b'])), withLora('r1', lora(['a'])), withLora('r2', lora(['b']))];
  assert.deepEqual(names(preferAdapterReplicas(candidates, 'a')), ['r1']);
  assert.deepEqual(names(preferAdapterReplicas(candidates, 'b')), ['r0', 'r2']);
});

test('with the adapter running nowhere, it gets one home among the replicas with a free slot', () => {
  const candidates = [withLora('r0', lora(['b'])), withLora('r1', lora([])), withLora('r2', undefined)];
  const home = names(preferAdapterReplicas(candidates, 'a'));
  assert.equal(home.length, 1);
  assert.ok(['r1', 'r2'].includes(home[0]!), `never the full r0: ${home}`);
  assert.deepEqual(names(preferAdapterReplicas([...candidates].reverse(), 'a')), home, 'independent of order');
});

test('every replica contested alike: the adapter gets one home, the same in every sidecar, not all of them', () => {
  const fleet = ['r0', 'r1', 'r2', 'r3'];
  const contested = fleet.map((name) => withLora(name, lora(['a'], ['b'])));
  const home = names(preferAdapterReplicas(contested, 'a'));
  assert.equal(home.length, 1, 'a contested everywhere: narrowed to one replica');
  assert.deepEqual(names(preferAdapterReplicas([...contested].reverse(), 'a')), home, 'independent of order');
  const idle = fleet.map((name) => withLora(name, lora([])));
  const homes = new Set(
    ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'].map((a) => names(preferAdapterReplicas(idle, a))[0]),
  );
  assert.ok(homes.size >= 2, `the homes of eight adapters spread over the fleet: ${[...homes]}`);
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
