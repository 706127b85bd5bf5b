// The Pools view: pools -> replicas from the live state. Element objects are stable per key and updated in place,
// and only the items whose row changed are refreshed, so the tree does not flicker at one snapshot a second. Tooltips
// are resolved on hover (resolveTreeItem), so traffic figures do not refresh a row and close its open hover: a row
// whose figures alone changed is refreshed only after its tooltip was shown and HOVER_GRACE_MS passed.
import * as vscode from 'vscode';
import type { StateSnapshot } from '../core/protocol';
import { buildTreeModel, diffTreeModels, EMPTY_TREE, type TreeModel, type TreeNode } from './poolsTreeModel';

export const POOLS_VIEW_ID = 'vllmPools.pools';
/** How long an item whose tooltip was shown is left alone for figure-only changes (the hover is probably open). */
export const HOVER_GRACE_MS = 15_000;

/** What a context-menu command receives: the pool, or the pool and the replica (see commandArgs.ts). */
export interface PoolsTreeElement {
  key: string;
  kind: 'pool' | 'replica';
  pool: string;
  replica?: string;
  url?: string;
}

export class PoolsTreeProvider implements vscode.TreeDataProvider<PoolsTreeElement>, vscode.Disposable {
  private model: TreeModel = EMPTY_TREE;
  private readonly elements = new Map<string, PoolsTreeElement>();
  private readonly emitter = new vscode.EventEmitter<PoolsTreeElement | PoolsTreeElement[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Keys whose tooltip VS Code resolved (shown) since their last refresh, with when. */
  private readonly resolvedAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  update(snapshot: StateSnapshot | undefined): void {
    const next = snapshot ? buildTreeModel(snapshot) : EMPTY_TREE;
    const changes = diffTreeModels(this.model, next);
    this.model = next;
    if (changes.structural) {
      for (const key of [...this.elements.keys()]) if (!next.nodes.has(key)) this.elements.delete(key);
      for (const node of next.nodes.values()) this.element(node);
      this.resolvedAt.clear();
      this.emitter.fire(undefined);
      return;
    }
    // A tooltip not shown since the last refresh is resolved fresh on the next hover: nothing to refresh for it.
    const stale = changes.figuresChanged.filter((key) => {
      const shown = this.resolvedAt.get(key);
      return shown !== undefined && this.now() - shown >= HOVER_GRACE_MS;
    });
    const keys = [...changes.changed, ...stale];
    if (keys.length === 0) return;
    for (const key of keys) this.resolvedAt.delete(key);
    this.emitter.fire(keys.map((key) => this.element(next.nodes.get(key)!)));
  }

  getTreeItem(element: PoolsTreeElement): vscode.TreeItem {
    const node = this.model.nodes.get(element.key);
    if (!node) return new vscode.TreeItem(element.key);
    const item = new vscode.TreeItem(
      node.label,
      node.kind === 'pool' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.key;
    item.description = node.description;
    item.iconPath = new vscode.ThemeIcon(
      node.icon.id,
      node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined,
    );
    item.contextValue = node.contextValue;
    return item;
  }

  /** Called by VS Code on hover (the item has no tooltip of its own): the tooltip with the figures as of now. */
  resolveTreeItem(item: vscode.TreeItem, element: PoolsTreeElement): vscode.TreeItem {
    const node = this.model.nodes.get(element.key);
    if (!node) return item;
    const tooltip = new vscode.MarkdownString(node.tooltip, true);
    tooltip.isTrusted = false;
    item.tooltip = tooltip;
    this.resolvedAt.set(element.key, this.now());
    return item;
  }

  getChildren(element?: PoolsTreeElement): PoolsTreeElement[] {
    if (!element) return this.model.roots.map((key) => this.element(this.model.nodes.get(key)!));
    const node = this.model.nodes.get(element.key);
    if (node?.kind !== 'pool') return [];
    return node.children.map((key) => this.element(this.model.nodes.get(key)!));
  }

  getParent(element: PoolsTreeElement): PoolsTreeElement | undefined {
    if (element.kind !== 'replica') return undefined;
    return this.elements.get(`pool:${element.pool}`);
  }

  dispose(): void {
    this.emitter.dispose();
  }

  /** The element for a node: the same object for the same key across snapshots, its fields kept current. */
  private element(node: TreeNode): PoolsTreeElement {
    let element = this.elements.get(node.key);
    if (!element) {
      element = { key: node.key, kind: node.kind, pool: node.pool };
      this.elements.set(node.key, element);
    }
    if (node.kind === 'replica') {
      element.replica = node.replica;
      element.url = node.url;
    }
    return element;
  }
}
