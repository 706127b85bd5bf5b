// The Pools view: pools -> replicas from the live state. Element objects are stable per key and updated in place,
// and only the items whose rendering changed are refreshed, so the tree does not flicker at one snapshot a second.
import * as vscode from 'vscode';
import type { StateSnapshot } from '../core/protocol';
import { buildTreeModel, diffTreeModels, EMPTY_TREE, type TreeModel, type TreeNode } from './poolsTreeModel';

export const POOLS_VIEW_ID = 'vllmPools.pools';

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

  update(snapshot: StateSnapshot | undefined): void {
    const next = snapshot ? buildTreeModel(snapshot) : EMPTY_TREE;
    const changes = diffTreeModels(this.model, next);
    this.model = next;
    if (changes.structural) {
      for (const key of [...this.elements.keys()]) if (!next.nodes.has(key)) this.elements.delete(key);
      for (const node of next.nodes.values()) this.element(node);
      this.emitter.fire(undefined);
    } else if (changes.changed.length > 0) {
      this.emitter.fire(changes.changed.map((key) => this.element(next.nodes.get(key)!)));
    }
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
    const tooltip = new vscode.MarkdownString(node.tooltip, true);
    tooltip.isTrusted = false;
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(
      node.icon.id,
      node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined,
    );
    item.contextValue = node.contextValue;
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
