// The extension's config commands (algorithm, replicas, secrets) on a vllm-pools.yaml text: each finds its path with the
// `yaml` Document API and hands one edit to the config editor's engine (yamlEdit.ts), which keeps every untouched byte.
import { type Document, isMap, isSeq, type Node, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import type { FormEdit } from '../configEditor/messages';
import type { AlgorithmId } from '../protocol';
import { applyFormEdit, FormEditError } from './yamlEdit';

export class ConfigEditError extends Error {
  override name = 'ConfigEditError';
}

/** Identifies a replica by its URL or by its name (the configured `name`, else host:port of its URL). */
export interface ReplicaRef {
  url?: string;
  name?: string;
}

/** Sets the global `algorithm`, or the `algorithm` of one pool when `pool` is given (a new key goes after `name`). */
export function setAlgorithm(text: string, algorithm: AlgorithmId, pool?: string): string {
  const doc = parse(text);
  rootMap(doc);
  if (pool === undefined) return edit(text, { kind: 'set', path: ['algorithm'], value: algorithm });
  return edit(text, { kind: 'set', path: ['pools', poolIndex(doc, pool), 'algorithm'], value: algorithm }, 'name');
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
  const index = poolIndex(doc, pool);
  if (replicaIndex(doc, index, { url }) >= 0)
    throw new ConfigEditError(`pool "${pool}" already has a replica at ${url}`);
  const value: Record<string, string> = { url };
  if (name) value['name'] = name;
  return edit(text, { kind: 'append', path: ['pools', index, 'replicas'], value });
}

/** Removes one replica's list item (its lines, including a trailing comment on them) from a pool. */
export function removeReplica(text: string, pool: string, replica: ReplicaRef): string {
  const doc = parse(text);
  const index = poolIndex(doc, pool);
  const replicas = replicasOf(doc, index);
  if (!replicas) throw new ConfigEditError(`pool "${pool}" has no replicas list`);
  const at = replicaIndex(doc, index, replica);
  if (at < 0) throw new ConfigEditError(`pool "${pool}" has no replica ${replica.name ?? replica.url}`);
  if (replicas.items.length === 1) {
    throw new ConfigEditError(`"${pool}" would have no replica left; remove the pool instead`);
  }
  return edit(text, { kind: 'delete', path: ['pools', index, 'replicas', at] });
}

/** Sets a replica's `apiKey` to a `${secret:NAME}` reference (the key itself never goes into the file). */
export function setReplicaSecret(text: string, pool: string, replica: ReplicaRef, secretName: string): string {
  const doc = parse(text);
  const index = poolIndex(doc, pool);
  const at = replicaIndex(doc, index, replica);
  if (at < 0 || !isMap(replicasOf(doc, index)?.items[at])) {
    throw new ConfigEditError(`pool "${pool}" has no replica ${replica.name ?? replica.url}`);
  }
  const path = ['pools', index, 'replicas', at, 'apiKey'];
  return edit(text, { kind: 'set', path, value: `\${secret:${secretName}}` }, 'url');
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

/** One edit through the config editor's engine (core/config/yamlEdit.ts), its errors as ConfigEditError. */
function edit(text: string, formEdit: FormEdit, insertAfter?: string): string {
  try {
    return applyFormEdit(text, formEdit, insertAfter === undefined ? {} : { insertAfter }).text;
  } catch (error) {
    if (error instanceof FormEditError) throw new ConfigEditError(error.message);
    throw error;
  }
}

function poolIndex(doc: Document.Parsed, pool: string): number {
  const pools = rootMap(doc).get('pools', true) as Node | undefined;
  const index = pools && isSeq(pools) ? pools.items.findIndex((p) => isMap(p) && p.get('name') === pool) : -1;
  if (index < 0) throw new ConfigEditError(`no pool named "${pool}" in the config`);
  return index;
}

function replicasOf(doc: Document.Parsed, poolIndex: number): YAMLSeq | undefined {
  const replicas = doc.getIn(['pools', poolIndex, 'replicas'], true) as Node | undefined;
  return replicas && isSeq(replicas) ? replicas : undefined;
}

function replicaIndex(doc: Document.Parsed, poolIndex: number, ref: ReplicaRef): number {
  return replicasOf(doc, poolIndex)?.items.findIndex((item) => replicaMatches(item, ref)) ?? -1;
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
