// Drafts of the config editor form stay with their pool or replica (ids kept across document changes, itemIds.ts),
// not with a position: a text edit that inserts, removes or reorders pools and replicas moves the drafts along.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FormValue } from '../../../core/configEditor/messages';
import { Drafts } from '../../../webview/configEditor/drafts';
import { ItemIds } from '../../../webview/configEditor/itemIds';

type Pool = { name: string; replicas: { url: string; name?: string }[] };

function values(...pools: Pool[]): FormValue {
  return { algorithm: 'least-connections', pools };
}

const llama: Pool = { name: 'llama', replicas: [{ url: 'http://a:8000' }, { url: 'http://b:8000' }] };
const qwen: Pool = { name: 'qwen', replicas: [{ url: 'http://q:8000' }] };
const mistral: Pool = { name: 'mistral', replicas: [{ url: 'http://m:8000' }] };

/** Drafts as the form keeps them, with the ids updated for each new document as FormView.setModel does. */
function form(first: FormValue) {
  const ids = new ItemIds();
  ids.update(first);
  const drafts = new Drafts((key) => ids.stableKey(key));
  return {
    ids,
    drafts,
    document(next: FormValue) {
      ids.update(next);
      drafts.retain((key) => ids.isCurrent(key));
    },
  };
}

describe('form drafts keyed by pool and replica, not by position', () => {
  it('a pool inserted before the others by a text edit: the drafts stay with their pools', () => {
    const { drafts, document } = form(values(llama, qwen));
    drafts.set('pools.1.new.url', 'http://typed-for-qwen:8000');
    drafts.set('pools.0.failTimeout', '45s');
    drafts.set('pools.0.replicas.1.weight', '3');
    drafts.set('newPool.name', 'draft-pool');
    document(values(mistral, llama, qwen));
    assert.equal(drafts.get('pools.0.new.url'), undefined, 'the new pool has no draft');
    assert.equal(drafts.get('pools.0.failTimeout'), undefined);
    assert.equal(drafts.get('pools.2.new.url'), 'http://typed-for-qwen:8000');
    assert.equal(drafts.get('pools.1.failTimeout'), '45s');
    assert.equal(drafts.get('pools.1.replicas.1.weight'), '3');
    assert.equal(drafts.get('newPool.name'), 'draft-pool');
  });

  it('a removed pool takes its drafts along; later pools keep theirs', () => {
    const { drafts, document } = form(values(llama, qwen));
    drafts.set('pools.0.new.url', 'a');
    drafts.set('pools.1.new.url', 'b');
    document(values(qwen));
    assert.equal(drafts.get('pools.0.new.url'), 'b');
    assert.equal(drafts.size, 1);
  });

  it('replicas reordered or one inserted before: drafts follow the replica by URL', () => {
    const { drafts, document } = form(values(llama));
    drafts.set('pools.0.replicas.0.apiKey.kind', 'env');
    drafts.set('pools.0.replicas.1.apiKey.kind', 'secret');
    const reordered: Pool = { name: 'llama', replicas: [{ url: 'http://new:8000' }, ...[...llama.replicas].reverse()] };
    document(values(reordered));
    assert.equal(drafts.get('pools.0.replicas.0.apiKey.kind'), undefined);
    assert.equal(drafts.get('pools.0.replicas.1.apiKey.kind'), 'secret');
    assert.equal(drafts.get('pools.0.replicas.2.apiKey.kind'), 'env');
  });

  it('a pool renamed in place keeps its drafts (matched by what is left over, in order)', () => {
    const { drafts, document } = form(values(llama, qwen));
    drafts.set('pools.0.retries', '5');
    document(values({ ...llama, name: 'llama-3' }, qwen));
    assert.equal(drafts.get('pools.0.retries'), '5');
  });

  it('a replica whose URL is edited in the text keeps its drafts', () => {
    const { drafts, document } = form(values(llama));
    drafts.set('pools.0.replicas.1.name', 'gpu-b');
    document(values({ name: 'llama', replicas: [{ url: 'http://a:8000' }, { url: 'http://b2:8000' }] }));
    assert.equal(drafts.get('pools.0.replicas.1.name'), 'gpu-b');
  });

  it('stable keys map back to the control keys of the current document (focus after a re-render)', () => {
    const { ids, document } = form(values(llama, qwen));
    const stable = ids.stableKey('pools.1.replicas.0.url');
    assert.match(stable, /^pools\.#\d+\.replicas\.#\d+\.url$/);
    document(values(mistral, llama, qwen));
    assert.equal(ids.controlKey(stable), 'pools.2.replicas.0.url');
    document(values(mistral, llama));
    assert.equal(ids.controlKey(stable), undefined);
    assert.equal(ids.controlKey('shutdownGrace'), 'shutdownGrace');
  });
});
