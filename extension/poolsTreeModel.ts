// The Pools tree as plain data: a state snapshot -> one node per pool and replica, with labels, live figures, tooltips,
// themed icon ids and context values. No vscode import (tested in plain Node); poolsTree.ts turns nodes into TreeItems.
import {
  ALGORITHM_DESCRIPTIONS,
  type EngineLora,
  type PoolState,
  type ReplicaHealth,
  type ReplicaState,
  type StateSnapshot,
} from '../core/protocol';
import { REPLICA_STATE_LABELS } from '../core/replicaStates';

export const POOL_CONTEXT = 'vllmPools.pool';
/** Replica context values are `vllmPools.replica.<state>`: healthy, unhealthy, draining, unknown. */
export const REPLICA_CONTEXT_PREFIX = 'vllmPools.replica.';

export interface ThemedIcon {
  /** A codicon id. */
  id: string;
  /** A theme color id, when the icon is coloured. */
  color?: string;
}

interface NodeBase {
  /** Stable across snapshots: the tree item's id. */
  key: string;
  label: string;
  description: string;
  /** Markdown: the facts and the live figures. */
  tooltip: string;
  /**
   * The part of the tooltip that changes rarely (state, reason, URL, models, last error). The live figures (in flight,
   * TTFT, tokens/s, engine) change every second under traffic; refreshing an item for them alone closes an open hover.
   */
  facts: string;
  icon: ThemedIcon;
  contextValue: string;
}

export interface PoolNode extends NodeBase {
  kind: 'pool';
  pool: string;
  children: string[];
}

export interface ReplicaNode extends NodeBase {
  kind: 'replica';
  pool: string;
  replica: string;
  url: string;
  state: ReplicaHealth;
}

export type TreeNode = PoolNode | ReplicaNode;

export interface TreeModel {
  roots: string[];
  nodes: Map<string, TreeNode>;
}

export const EMPTY_TREE: TreeModel = { roots: [], nodes: new Map() };

const STATE_ICONS: Record<ReplicaHealth, ThemedIcon> = {
  healthy: { id: 'pass-filled', color: 'testing.iconPassed' },
  unhealthy: { id: 'error', color: 'testing.iconFailed' },
  draining: { id: 'debug-pause', color: 'list.warningForeground' },
  unknown: { id: 'circle-large-outline', color: 'disabledForeground' },
};

export function poolKey(pool: string): string {
  return `pool:${pool}`;
}

export function replicaKey(pool: string, replica: string): string {
  return `replica:${pool}/${replica}`;
}

export interface TreeModelOptions {
  /** How an epoch-ms instant is shown (local wall-clock time by default). */
  formatTime?: (epochMs: number) => string;
}

export function buildTreeModel(snapshot: StateSnapshot, options: TreeModelOptions = {}): TreeModel {
  const formatTime = options.formatTime ?? ((ms: number) => new Date(ms).toLocaleTimeString());
  const nodes = new Map<string, TreeNode>();
  const roots: string[] = [];
  for (const pool of snapshot.pools) {
    const node = poolNode(pool);
    roots.push(node.key);
    nodes.set(node.key, node);
    for (const replica of pool.replicas) {
      const child = replicaNode(pool, replica, snapshot.now, formatTime);
      node.children.push(child.key);
      nodes.set(child.key, child);
    }
  }
  return { roots, nodes };
}

function poolNode(pool: PoolState): PoolNode {
  const healthy = pool.replicas.filter((r) => r.state === 'healthy').length;
  const total = pool.replicas.length;
  const icon: ThemedIcon =
    total > 0 && healthy === 0
      ? { id: 'server-environment', color: 'testing.iconFailed' }
      : healthy < total
        ? { id: 'server-environment', color: 'list.warningForeground' }
        : { id: 'server-environment' };
  const models = pool.models.length > 0 ? pool.models.map(code).join(', ') : '_learned from the replicas_';
  const tooltip = [
    `**${md(pool.name)}** · ${healthy}/${total} healthy`,
    `Algorithm: \`${pool.algorithm}\` — ${md(ALGORITHM_DESCRIPTIONS[pool.algorithm] ?? '')}`,
    `Models: ${models}`,
  ].join('\n\n');
  return {
    kind: 'pool',
    key: poolKey(pool.name),
    pool: pool.name,
    label: pool.name,
    description: `${pool.algorithm} · ${healthy}/${total}`,
    tooltip,
    facts: tooltip,
    icon,
    contextValue: POOL_CONTEXT,
    children: [],
  };
}

function replicaNode(
  pool: PoolState,
  replica: ReplicaState,
  now: number,
  formatTime: (epochMs: number) => string,
): ReplicaNode {
  const facts = [
    `${iconMarkdown(STATE_ICONS[replica.state])} **${md(replica.name)}** — ${REPLICA_STATE_LABELS[replica.state] ?? replica.state}${replica.reason ? ` (${md(replica.reason)})` : ''}`,
    `URL: ${code(replica.url)}`,
    ...servedLines(replica),
  ];
  const head = facts.length;
  if (replica.lastError) facts.push(`Last error: ${md(replica.lastError)}`);
  if (replica.ejectedUntil !== null && replica.ejectedUntil > now) {
    facts.push(`Ejected until ${formatTime(replica.ejectedUntil)}`);
  }
  const lines = [
    ...facts.slice(0, head),
    `In flight ${replica.inflight} · requests ${replica.requests} · errors ${replica.errors} · weight ${replica.weight}`,
  ];
  if (replica.ttftMs) {
    lines.push(`Time to first token: p50 ${ms(replica.ttftMs.p50)} · p95 ${ms(replica.ttftMs.p95)}`);
  }
  if (replica.tokensPerSecond > 0) lines.push(`Throughput: ${Math.round(replica.tokensPerSecond)} tokens/s`);
  if (replica.engine) {
    const e = replica.engine;
    lines.push(
      `Engine: ${e.running} running · ${e.waiting} waiting · KV cache ${Math.round(e.kvCacheUsage * 100)}%${e.stale ? ' (stale)' : ''}`,
    );
    if (e.lora) lines.push(loraLine(e.lora));
  }
  lines.push(...facts.slice(head));
  return {
    kind: 'replica',
    key: replicaKey(pool.name, replica.name),
    pool: pool.name,
    replica: replica.name,
    url: replica.url,
    state: replica.state,
    label: replica.name,
    description: replicaDescription(replica),
    tooltip: lines.join('\n\n'),
    facts: `${facts.join('\n\n')}\n\nweight ${replica.weight}`,
    icon: STATE_ICONS[replica.state] ?? STATE_ICONS.unknown,
    contextValue: REPLICA_CONTEXT_PREFIX + replica.state,
  };
}

/** What the replica serves, from its /v1/models: base models, then each LoRA adapter with the base it runs on. */
function servedLines(replica: ReplicaState): string[] {
  const served = replica.served ?? replica.models.map((id) => ({ id, parent: null }));
  const bases = served.filter((model) => model.parent === null);
  const adapters = served.filter((model) => model.parent !== null);
  const lines = [`Models: ${bases.length > 0 ? bases.map((model) => code(model.id)).join(', ') : '_none reported_'}`];
  if (adapters.length > 0) {
    const listed = adapters.map((adapter) => `${code(adapter.id)} on ${code(adapter.parent ?? '')}`);
    lines.push(`LoRA adapters: ${listed.join(', ')}`);
  }
  return lines;
}

/**
 * The adapters the engine runs now (vllm:lora_requests_info): a live figure, like the engine line, so it is in the
 * tooltip only; which adapters the replica can serve at all is in its facts.
 */
function loraLine(lora: EngineLora): string {
  const list = (names: string[]) => (names.length > 0 ? names.map(code).join(', ') : 'none');
  const waiting = lora.waiting.length > 0 ? ` · waiting ${list(lora.waiting)}` : '';
  return `LoRA adapters running: ${list(lora.running)} (max ${lora.maxLora} per batch)${waiting}`;
}

/** "2 adapters" for a replica serving LoRA adapters: short enough for the row; which ones is in the tooltip. */
function adapterCount(replica: ReplicaState): string {
  const count = replica.served?.filter((model) => model.parent !== null).length ?? 0;
  if (count === 0) return '';
  return count === 1 ? '1 adapter' : `${count} adapters`;
}

/**
 * The short text next to a replica: its state when it is not simply serving, else how many LoRA adapters it serves
 * (when any). It fits the default sidebar width and does not change with traffic; the figures, the reason and the
 * model names are in the tooltip.
 */
export function replicaDescription(replica: ReplicaState): string {
  if (replica.state === 'healthy') return adapterCount(replica);
  return REPLICA_STATE_LABELS[replica.state] ?? REPLICA_STATE_LABELS.unknown;
}

export interface TreeChanges {
  /** Pools or replicas were added, removed or reordered: the whole tree must be refreshed. */
  structural: boolean;
  /** Keys of nodes whose row or tooltip facts changed (only meaningful when not structural). */
  changed: string[];
  /** Keys of nodes whose live figures alone changed: their tooltip is stale but their row is not. */
  figuresChanged: string[];
}

/** What a new model changes compared with the previous one, so the view refreshes only those items. */
export function diffTreeModels(previous: TreeModel, next: TreeModel): TreeChanges {
  const structural: TreeChanges = { structural: true, changed: [], figuresChanged: [] };
  if (!sameList(previous.roots, next.roots)) return structural;
  const changed: string[] = [];
  const figuresChanged: string[] = [];
  for (const [key, node] of next.nodes) {
    const old = previous.nodes.get(key);
    if (!old) return structural;
    if (node.kind === 'pool' && old.kind === 'pool' && !sameList(node.children, old.children)) return structural;
    if (!sameRendering(old, node)) changed.push(key);
    else if (old.tooltip !== node.tooltip) figuresChanged.push(key);
  }
  return { structural: false, changed, figuresChanged };
}

function sameRendering(a: TreeNode, b: TreeNode): boolean {
  return (
    a.label === b.label &&
    a.description === b.description &&
    a.facts === b.facts &&
    a.icon.id === b.icon.id &&
    a.icon.color === b.icon.color &&
    a.contextValue === b.contextValue
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** Escapes Markdown (inline, mid-line) so that names and error texts from the network render as text. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]()#|<>~$]/g, '\\$&');
}

function iconMarkdown(icon: ThemedIcon): string {
  return `$(${icon.id})`;
}
