// The Pools tree provider with the VS Code stub: which items it refreshes as snapshots arrive. VS Code re-renders an
// item it is told changed, which closes that item's open tooltip; traffic alone must not do that.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { StateSnapshot } from '../../../core/protocol';
import { snapshot } from '../../unit/extension/fixtures';
import { createVscodeStub, installVscodeStub, type TreeItem } from './vscodeStub';

type Element = { key: string };
interface Provider {
  update(s: StateSnapshot | undefined): void;
  onDidChangeTreeData(l: (e: unknown) => void): unknown;
  getChildren(e?: Element): Element[];
  getTreeItem(e: Element): TreeItem;
  resolveTreeItem(item: TreeItem, e: Element): TreeItem;
}

let uninstall: () => void;
let Tree: new (now: () => number) => Provider;
let GRACE: number;

before(() => {
  uninstall = installVscodeStub(createVscodeStub('/nowhere').vscode);
  const mod = require('../../../extension/poolsTree');
  Tree = mod.PoolsTreeProvider;
  GRACE = mod.HOVER_GRACE_MS;
});
after(() => uninstall());

function busier(base: StateSnapshot, inflight: number): StateSnapshot {
  const s = structuredClone(base);
  const r = s.pools[0]!.replicas[0]!;
  r.inflight = inflight;
  r.requests += inflight;
  r.tokensPerSecond += inflight;
  return s;
}

test('traffic on a replica fires no change while its tooltip may be open; a state change refreshes that item only', () => {
  let clock = 1000;
  const tree = new Tree(() => clock);
  const events: unknown[] = [];
  tree.onDidChangeTreeData((e) => events.push(e));
  const base = snapshot();
  tree.update(base);
  assert.equal(events.length, 1, 'the first snapshot builds the tree');
  const [pool] = tree.getChildren();
  const [gpuA] = tree.getChildren(pool);
  const item = tree.getTreeItem(gpuA!);
  assert.equal(item.id, 'replica:llama-8b/gpu-a');
  assert.equal(item.tooltip, undefined, 'resolved on hover');
  const hovered = tree.resolveTreeItem(item, gpuA!);
  assert.match((hovered.tooltip as { value: string }).value, /In flight 2/);

  for (let i = 1; i <= 5; i++) {
    clock += 1000;
    tree.update(busier(base, 2 + i));
  }
  assert.equal(events.length, 1, 'no refresh for figures while the hover is open');
  assert.equal(tree.getChildren(pool)[0], gpuA, 'the same element object');

  clock += GRACE;
  tree.update(busier(base, 20));
  assert.deepEqual(events.at(-1), [gpuA], 'after the grace the shown item is refreshed for fresh figures');
  const fresh = tree.resolveTreeItem(tree.getTreeItem(gpuA!), gpuA!);
  assert.match((fresh.tooltip as { value: string }).value, /In flight 20/);

  const down = busier(base, 20);
  down.pools[0]!.replicas[0]!.state = 'unhealthy';
  tree.update(down);
  assert.deepEqual(events.at(-1), [pool, gpuA]);
});

test('a replica never hovered is not refreshed for its figures at all', () => {
  let clock = 0;
  const tree = new Tree(() => clock);
  const events: unknown[] = [];
  tree.onDidChangeTreeData((e) => events.push(e));
  tree.update(snapshot());
  for (let i = 1; i <= 3; i++) {
    clock += GRACE;
    tree.update(busier(snapshot(), i * 3));
  }
  assert.equal(events.length, 1);
});
