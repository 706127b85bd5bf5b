// Comment-preserving edits of a vllm-pools.yaml text. Each edit is a small text splice at positions found with the `yaml`
// Document API, so every line the edit does not touch stays byte-identical (comments, quoting, flow maps, blank lines).
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parseDocument,
  stringify,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { AlgorithmId } from '../protocol';

export class ConfigEditError extends Error {
  override name = 'ConfigEditError';
}

/** Identifies a replica by its URL or by its name (the configured `name`, else host:port of its URL). */
export interface ReplicaRef {
  url?: string;
  name?: string;
}

/** Sets the global `algorithm`, or the `algorithm` of one pool when `pool` is given. */
export function setAlgorithm(text: string, algorithm: AlgorithmId, pool?: string): string {
  const doc = parse(text);
  const root = rootMap(doc);
  const target = pool === undefined ? root : findPool(doc, pool);
  return setScalarKey(text, target, 'algorithm', algorithm, pool === undefined ? 'algorithm' : 'name');
}

/** Sets the global `algorithm` and every pool's own `algorithm` (what "all pools" means for PUT /admin/algorithm). */
export function setAlgorithmEverywhere(text: string, algorithm: AlgorithmId): string {
  let out = setAlgorithm(text, algorithm);
  for (const pool of outlineConfig(out).pools) {
    if (pool.algorithm !== undefined) out = setAlgorithm(out, algorithm, pool.name);
  }
  return out;
}

export interface ConfigOutline {
  algorithm?: string;
  pools: { name: string; algorithm?: string; replicas: { url: string; name: string; apiKey?: string }[] }[];
}

/** Pool and replica names as written in the file (replica names default to host:port), for pickers. Lenient. */
export function outlineConfig(text: string): ConfigOutline {
  const data = parseDocument(text).toJS() as unknown;
  const root = isRecord(data) ? data : {};
  const pools = Array.isArray(root['pools']) ? root['pools'] : [];
  const outline: ConfigOutline = { pools: [] };
  if (typeof root['algorithm'] === 'string') outline.algorithm = root['algorithm'];
  for (const pool of pools) {
    if (!isRecord(pool) || typeof pool['name'] !== 'string') continue;
    const replicas = (Array.isArray(pool['replicas']) ? pool['replicas'] : []).flatMap((r: unknown) => {
      if (!isRecord(r) || typeof r['url'] !== 'string') return [];
      const name = typeof r['name'] === 'string' ? r['name'] : (hostPort(r['url']) ?? r['url']);
      return [{ url: r['url'], name, ...(typeof r['apiKey'] === 'string' ? { apiKey: r['apiKey'] } : {}) }];
    });
    outline.pools.push({
      name: pool['name'],
      ...(typeof pool['algorithm'] === 'string' ? { algorithm: pool['algorithm'] } : {}),
      replicas,
    });
  }
  return outline;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends `- url: URL` (and `name:` when given) to a pool's `replicas` list. */
export function addReplica(text: string, pool: string, url: string, name?: string): string {
  const doc = parse(text);
  const poolMap = findPool(doc, pool);
  const replicas = poolMap.get('replicas', true) as Node | undefined;
  if (replicas && isSeq(replicas) && replicas.items.some((item) => replicaMatches(item, { url }))) {
    throw new ConfigEditError(`pool "${pool}" already has a replica at ${url}`);
  }
  const fields: [string, string][] = [['url', url]];
  if (name) fields.push(['name', name]);

  if (replicas && isSeq(replicas) && !replicas.flow && replicas.items.length > 0) {
    const first = replicas.items[0] as Node;
    const last = replicas.items[replicas.items.length - 1] as Node;
    const dashCol = column(text, first.range![0]) - 2;
    const itemIndent = ' '.repeat(dashCol);
    const insertAt = afterLine(text, last.range![1] - 1);
    const lines = fields.map(
      ([key, value], i) => `${i === 0 ? `${itemIndent}- ` : `${itemIndent}  `}${key}: ${scalar(value)}`,
    );
    return splice(text, insertAt, insertAt, `${lineBreakBefore(text, insertAt)}${lines.join('\n')}\n`);
  }
  // A missing, empty or flow-style list: rewrite just that pool's replicas through the Document API.
  const seq = replicas && isSeq(replicas) ? replicas : doc.createNode([]);
  seq.flow = false;
  seq.items.push(doc.createNode(Object.fromEntries(fields)));
  poolMap.set('replicas', seq);
  return doc.toString();
}

/** Removes one replica's list item (its lines, including a trailing comment on them) from a pool. */
export function removeReplica(text: string, pool: string, replica: ReplicaRef): string {
  const doc = parse(text);
  const replicas = findPool(doc, pool).get('replicas', true) as Node | undefined;
  if (!replicas || !isSeq(replicas)) throw new ConfigEditError(`pool "${pool}" has no replicas list`);
  const index = replicas.items.findIndex((item) => replicaMatches(item, replica));
  if (index < 0) throw new ConfigEditError(`pool "${pool}" has no replica ${replica.name ?? replica.url}`);
  if (replicas.items.length === 1) {
    throw new ConfigEditError(`"${pool}" would have no replica left; remove the pool instead`);
  }
  const item = replicas.items[index] as Node;
  if (replicas.flow) {
    replicas.items.splice(index, 1);
    return doc.toString();
  }
  const start = startOfLine(text, item.range![0]);
  return splice(text, start, afterLine(text, item.range![1] - 1), '');
}

/** Sets a replica's `apiKey` to a `${secret:NAME}` reference (the key itself never goes into the file). */
export function setReplicaSecret(text: string, pool: string, replica: ReplicaRef, secretName: string): string {
  const doc = parse(text);
  const replicas = findPool(doc, pool).get('replicas', true) as Node | undefined;
  const item = replicas && isSeq(replicas) ? replicas.items.find((i) => replicaMatches(i, replica)) : undefined;
  if (!item || !isMap(item)) throw new ConfigEditError(`pool "${pool}" has no replica ${replica.name ?? replica.url}`);
  return setScalarKey(text, item, 'apiKey', `\${secret:${secretName}}`, 'url');
}

/** The names of every `${secret:NAME}` reference in a config text. */
export function secretReferences(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{secret:([^}\s]+)\}/g)) names.add(match[1]!);
  return [...names];
}

export const STARTER_CONFIG = `# vllm-pools: a local, streaming-safe load balancer for self-hosted vLLM replicas.
# Point your IDE's AI tools at http://127.0.0.1:8800/v1 and the sidecar spreads requests over the replicas below.
# Every key is documented in schema/vllm-pools.schema.json; durations are like 5s or 250ms.

listen: { host: 127.0.0.1, port: 8800 }

# round-robin | least-connections | least-response-time | consistent-hash | power-of-two | prefix-aware | queue-aware
algorithm: prefix-aware

pools:
  - name: default
    # models: [meta-llama/Llama-3.1-8B-Instruct]   # optional: otherwise learned from each replica's /v1/models
    replicas:
      - url: http://127.0.0.1:8000
        # name: gpu-a                  # optional, default host:port
        # weight: 1
        # apiKey: \${secret:VLLM_KEY}   # set it with "vLLM Pools: Set API Key"; never write the key itself here
    healthCheck: { path: /health, interval: 5s, timeout: 2s, rise: 2, fall: 3 }
    maxFails: 3        # failures within failTimeout that eject a replica...
    failTimeout: 30s   # ...and how long it stays ejected
    retries: 2         # extra attempts on other replicas, before the first byte only
`;

// --- helpers ---

function parse(text: string): Document.Parsed {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new ConfigEditError(`the config is not valid YAML: ${doc.errors[0]!.message}`);
  return doc;
}

function rootMap(doc: Document.Parsed): YAMLMap {
  if (!isMap(doc.contents)) throw new ConfigEditError('the config is not a YAML mapping');
  return doc.contents;
}

function findPool(doc: Document.Parsed, pool: string): YAMLMap {
  const pools = rootMap(doc).get('pools', true) as Node | undefined;
  const found =
    pools && isSeq(pools) ? (pools as YAMLSeq).items.find((p) => isMap(p) && p.get('name') === pool) : undefined;
  if (!found || !isMap(found)) throw new ConfigEditError(`no pool named "${pool}" in the config`);
  return found;
}

function replicaMatches(item: unknown, ref: ReplicaRef): boolean {
  if (!isMap(item)) return false;
  const url = item.get('url');
  if (typeof url !== 'string') return false;
  if (ref.url !== undefined && sameUrl(url, ref.url)) return true;
  if (ref.name === undefined) return false;
  const name = item.get('name');
  return typeof name === 'string' ? name === ref.name : hostPort(url) === ref.name;
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function hostPort(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}

/** Replaces the value of `key` in a block or flow map, or inserts `key: value` after the `after` key (else first). */
function setScalarKey(text: string, map: YAMLMap, key: string, value: string, after: string): string {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  if (pair) {
    const node = pair.value as Node | null;
    if (node && isScalar(node) && node.range) return splice(text, node.range[0], node.range[1], scalar(value));
    if (!node) {
      const keyEnd = (pair.key as Node).range![1];
      const colon = text.indexOf(':', keyEnd);
      return splice(text, colon + 1, colon + 1, ` ${scalar(value)}`);
    }
    throw new ConfigEditError(`"${key}" is not a plain value`);
  }
  if (map.flow) {
    const copy = map.clone() as YAMLMap;
    copy.set(key, value);
    const [start, end] = map.range!;
    return splice(text, start, end, stringify(copy, { flowCollectionPadding: true }).trim());
  }
  const anchor = map.items.find((p) => isScalar(p.key) && p.key.value === after) ?? map.items[0];
  if (!anchor) throw new ConfigEditError(`cannot add "${key}" to an empty mapping`);
  const keyNode = anchor.key as Node;
  const indent = ' '.repeat(column(text, keyNode.range![0]));
  const valueNode = anchor.value as Node | null;
  const anchorEnd = valueNode?.range ? valueNode.range[1] - 1 : keyNode.range![1];
  const insertAt = afterLine(text, Math.max(anchorEnd, keyNode.range![1]));
  return splice(text, insertAt, insertAt, `${lineBreakBefore(text, insertAt)}${indent}${key}: ${scalar(value)}\n`);
}

/** A YAML scalar for a string: plain when that reads back as the same string, quoted otherwise. */
function scalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

function startOfLine(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The start of the line after the one holding `offset` (or the text's end). */
function afterLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** Text inserted at the very end of a file without a final newline needs one first. */
function lineBreakBefore(text: string, insertAt: number): string {
  return insertAt >= text.length && !text.endsWith('\n') ? '\n' : '';
}

function column(text: string, offset: number): number {
  return offset - startOfLine(text, offset);
}
