// Drafts of the config editor form follow their pool or replica when the form removes or moves one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Drafts } from '../../../extension/configEditor/page/drafts';

function keys(drafts: Drafts, all: string[]): Record<string, string> {
  return Object.fromEntries(all.flatMap((key) => (drafts.get(key) === undefined ? [] : [[key, drafts.get(key)!]])));
}

describe('form drafts', () => {
  it('drops the drafts of a removed pool and moves those of later pools up', () => {
    const drafts = new Drafts();
    drafts.set('pools.0.new.url', 'a');
    drafts.set('pools.1.new.url', 'b');
    drafts.set('pools.12.new.name', 'c');
    drafts.set('newPool.name', 'd');
    drafts.afterDelete(['pools', 0]);
    assert.equal(drafts.size, 3);
    assert.deepEqual(keys(drafts, ['pools.0.new.url', 'pools.11.new.name', 'newPool.name']), {
      'pools.0.new.url': 'b',
      'pools.11.new.name': 'c',
      'newPool.name': 'd',
    });
  });

  it('moves replica drafts with their replicas, both directions, and leaves other pools alone', () => {
    const drafts = new Drafts();
    for (const i of [0, 1, 2, 3]) drafts.set(`pools.0.replicas.${i}.apiKey.kind`, `r${i}`);
    drafts.set('pools.1.replicas.0.apiKey.kind', 'other');
    drafts.afterMove(['pools', 0, 'replicas'], 0, 2);
    const all = [0, 1, 2, 3].map((i) => `pools.0.replicas.${i}.apiKey.kind`);
    assert.deepEqual(Object.values(keys(drafts, all)), ['r1', 'r2', 'r0', 'r3']);
    drafts.afterMove(['pools', 0, 'replicas'], 3, 0);
    assert.deepEqual(Object.values(keys(drafts, all)), ['r3', 'r1', 'r2', 'r0']);
    assert.equal(drafts.get('pools.1.replicas.0.apiKey.kind'), 'other');
    drafts.afterDelete(['pools', 0, 'replicas', 1]);
    assert.deepEqual(keys(drafts, all), {
      'pools.0.replicas.0.apiKey.kind': 'r3',
      'pools.0.replicas.1.apiKey.kind': 'r2',
      'pools.0.replicas.2.apiKey.kind': 'r0',
    });
  });
});
