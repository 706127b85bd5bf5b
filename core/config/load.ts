// vllm-pools.yaml -> validated Config. Every problem is reported at file:line:col of the offending key or value;
// a config is returned only when there is no error (warnings allowed). Secret values are resolved here, registered
// with the log redactor, and never written into a message.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import { ALGORITHM_IDS, type AlgorithmId, isAlgorithmId } from '../protocol';
import { redact } from '../redact';
import { ADMIN_TOKEN_ENV, adminTokenInForce } from './adminToken';
import { DEFAULTS, isLoopbackHost } from './defaults';
import { parseReference, referenceEnvName, resolveReference } from './references';
import type {
  Config,
  ConfigIssue,
  HealthCheckConfig,
  KvEventsConfig,
  PoolConfig,
  ReplicaConfig,
  TimeoutsConfig,
} from './types';
import { parseUsers, USER_KEYS, USER_LIMIT_KEYS } from './users';
import { type Field, IssueSink, YamlReader } from './yamlReader';
import { describeYamlErrors } from './yamlSyntax';

export interface ConfigResult {
  config?: Config;
  issues: ConfigIssue[];
}

const TOP_KEYS = [
  'listen',
  'algorithm',
  'pools',
  'engineMetrics',
  'limits',
  'shutdownGrace',
  'allowedOrigins',
  'clientToken',
  'admin',
  'tls',
  'users',
  'aliases',
] as const;
const POOL_KEYS = [
  'name',
  'models',
  'algorithm',
  'replicas',
  'healthCheck',
  'maxFails',
  'failTimeout',
  'timeouts',
  'retries',
  'fallback',
  'deadline',
] as const;
const REPLICA_KEYS = ['url', 'name', 'weight', 'apiKey', 'cacheTokens', 'kvEvents'] as const;
const KV_EVENTS_KEYS = ['endpoint', 'topic'] as const;
/** A ZMQ endpoint the sidecar can connect to: tcp://host:port (vLLM's default publisher binds tcp://*:5557). */
const ZMQ_ENDPOINT = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const HEALTH_CHECK_KEYS = ['enabled', 'path', 'interval', 'timeout', 'rise', 'fall'] as const;
const TIMEOUT_KEYS = ['connect', 'firstByte', 'idle'] as const;

/** The keys allowed at each level (the JSON schema test checks it allows the same). */
export const CONFIG_KEYS = {
  top: TOP_KEYS,
  pool: POOL_KEYS,
  replica: REPLICA_KEYS,
  healthCheck: HEALTH_CHECK_KEYS,
  timeouts: TIMEOUT_KEYS,
  user: USER_KEYS,
  userLimits: USER_LIMIT_KEYS,
} as const;
const POOL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REPLICA_NAME = /^[^\s/]+$/;

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the config file does not exist' : `the config file cannot be read (${code})`;
    return { issues: [{ file: path, line: 1, col: 1, message: why, severity: 'error' }] };
  }
  return parseConfig(text, path, env);
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const sink = new IssueSink(file, lines);
  for (const issue of describeYamlErrors(doc.errors, text, lines)) sink.atOffset(issue.offset, issue.message);
  if (sink.hasErrors) return { issues: sink.issues };
  if (doc.contents === null) {
    sink.atOffset(0, 'the config file is empty; it needs at least "pools"');
    return { issues: sink.issues };
  }
  const config = new ConfigParser(new YamlReader(doc, sink), file, env).parse(doc.contents as Node);
  const issues = [...sink.issues].sort((a, b) => a.line - b.line || a.col - b.col);
  return sink.hasErrors || !config ? { issues } : { config, issues };
}

class ConfigParser {
  private readonly sink: IssueSink;
  /** Where each pool's `fallback` is written, to check it names another pool once all are read. */
  private readonly fallbackNodes = new Map<PoolConfig, Node>();

  constructor(
    private readonly yaml: YamlReader,
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.sink = yaml.sink;
  }

  parse(root: Node): Config | undefined {
    const top = this.yaml.map(root, '', TOP_KEYS);
    if (!top) return undefined;
    const y = this.yaml;
    const get = (key: (typeof TOP_KEYS)[number]) => top.get(key);

    const listen: Config['listen'] = { ...DEFAULTS.listen };
    const listenField = get('listen');
    let hostNode: Node | undefined;
    if (listenField) {
      const fields = y.map(listenField.value, 'listen', ['host', 'port'], listenField.key);
      const host = fields?.get('host');
      const port = fields?.get('port');
      hostNode = host ? y.where(host) : listenField.key;
      if (host) listen.host = y.string(host) ?? listen.host;
      if (port) listen.port = y.integer(port, 0, 65535) ?? listen.port;
    }

    const algorithm = this.algorithm(get('algorithm')) ?? DEFAULTS.algorithm;

    const engineMetrics: Config['engineMetrics'] = { ...DEFAULTS.engineMetrics };
    const metricsField = get('engineMetrics');
    if (metricsField) {
      const fields = y.map(metricsField.value, 'engineMetrics', ['enabled', 'interval'], metricsField.key);
      const enabled = fields?.get('enabled');
      const interval = fields?.get('interval');
      if (enabled) engineMetrics.enabled = y.boolean(enabled) ?? engineMetrics.enabled;
      if (interval) engineMetrics.interval = y.duration(interval, { positive: true }) ?? engineMetrics.interval;
    }

    const limits: Config['limits'] = { maxBodyBytes: DEFAULTS.maxBodyBytes };
    const limitsField = get('limits');
    if (limitsField) {
      const fields = y.map(limitsField.value, 'limits', ['maxBodyBytes'], limitsField.key);
      const max = fields?.get('maxBodyBytes');
      if (max) limits.maxBodyBytes = y.size(max) ?? limits.maxBodyBytes;
    }

    const graceField = get('shutdownGrace');
    const shutdownGrace = graceField
      ? (y.duration(graceField, { positive: false }) ?? DEFAULTS.shutdownGrace)
      : DEFAULTS.shutdownGrace;

    const originsField = get('allowedOrigins');
    const allowedOrigins = originsField ? (y.stringList(originsField) ?? []) : [];
    if (originsField) this.checkOrigins(originsField, allowedOrigins);

    const clientTokenField = get('clientToken');
    const clientToken = clientTokenField ? this.secret(clientTokenField) : undefined;

    const admin: Config['admin'] = {};
    const adminField = get('admin');
    if (adminField) {
      const fields = y.map(adminField.value, 'admin', ['token'], adminField.key);
      const token = fields?.get('token');
      if (token) admin.token = this.secret(token);
    }
    redact(this.env[ADMIN_TOKEN_ENV]);
    const adminToken = adminTokenInForce(admin.token, this.env);
    if (adminToken === undefined) delete admin.token;
    else admin.token = adminToken;

    let tls: Config['tls'];
    const tlsField = get('tls');
    if (tlsField) {
      const fields = y.map(tlsField.value, 'tls', ['cert', 'key'], tlsField.key);
      if (fields) {
        const cert = this.requiredString(fields, 'cert', 'tls', tlsField);
        const key = this.requiredString(fields, 'key', 'tls', tlsField);
        const base = dirname(resolve(this.file));
        if (cert && key) tls = { cert: resolve(base, cert), key: resolve(base, key) };
      }
    }

    const usersField = get('users');
    const users = usersField ? parseUsers(y, usersField, (f) => this.secret(f, true), clientToken) : undefined;

    if (!isLoopbackHost(listen.host) && clientTokenField === undefined && usersField === undefined) {
      this.sink.at(
        hostNode,
        'listen.host is not a loopback address: set clientToken (e.g. ${env:VLLM_POOLS_CLIENT_TOKEN}) so that only your team can call it',
      );
    }

    const pools = this.pools(get('pools'), root, algorithm);
    if (!pools) return undefined;
    const aliasesField = get('aliases');
    const aliases = aliasesField ? this.aliases(aliasesField) : undefined;

    const config: Config = {
      file: resolve(this.file),
      listen,
      algorithm,
      pools,
      engineMetrics,
      limits,
      shutdownGrace,
      allowedOrigins,
      admin,
    };
    if (clientToken !== undefined) config.clientToken = clientToken;
    if (users) config.users = users;
    if (tls) config.tls = tls;
    if (aliases && Object.keys(aliases).length > 0) config.aliases = aliases;
    return config;
  }

  /** `aliases`: a model name a tool insists on -> the model a pool serves; one hop, never a chain. */
  private aliases(field: Field): Record<string, string> | undefined {
    const y = this.yaml;
    const node = field.value;
    if (!isMap(node)) {
      this.sink.at(
        y.where(field),
        'aliases must be a mapping of names to models, e.g. "gpt-4o: meta-llama/Llama-3.1-8B-Instruct"',
      );
      return undefined;
    }
    const aliases: Record<string, string> = {};
    for (const pair of node.items) {
      const key = pair.key;
      const value = pair.value;
      if (!isScalar(key) || typeof key.value !== 'string' || key.value === '') {
        this.sink.at(key as Node, 'aliases: each name must be a plain, non-empty string');
        continue;
      }
      if (!isScalar(value) || typeof value.value !== 'string' || value.value === '') {
        this.sink.at((value ?? key) as Node, `aliases.${key.value} must name a model (a non-empty string)`);
        continue;
      }
      aliases[key.value] = value.value;
    }
    for (const [name, target] of Object.entries(aliases)) {
      if (target in aliases) {
        const at = node.items.find((pair) => isScalar(pair.key) && pair.key.value === name);
        this.sink.at((at?.value ?? node) as Node, `aliases.${name} names "${target}", itself an alias: name the model`);
      }
    }
    return aliases;
  }

  private algorithm(field: Field | undefined): AlgorithmId | undefined {
    if (!field) return undefined;
    const value = field.value && 'value' in field.value ? (field.value as { value: unknown }).value : undefined;
    if (isAlgorithmId(value)) return value;
    this.sink.at(this.yaml.where(field), `${field.path} must be one of: ${ALGORITHM_IDS.join(', ')}`);
    return undefined;
  }

  private requiredString(fields: Map<string, Field>, key: string, path: string, parent: Field): string | undefined {
    const field = fields.get(key);
    if (!field) {
      this.sink.at(parent.key, `${path}.${key} is required`);
      return undefined;
    }
    return this.yaml.string(field);
  }

  private checkOrigins(field: Field, origins: string[]): void {
    const items = this.yaml.seq(field) ?? [];
    origins.forEach((origin, index) => {
      let ok = false;
      try {
        const url = new URL(origin);
        ok = url.origin === origin.replace(/\/$/, '') && url.origin !== 'null';
      } catch {
        ok = false;
      }
      if (!ok) {
        this.sink.at(items[index], `${field.path}[${index}] must be an origin such as https://example.com (no path)`);
      }
    });
  }

  /** A secret-bearing value: a ${env:...}/${secret:...} reference (resolved) or a literal (with a warning for keys). */
  private secret(field: Field, warnLiteral = false): string | undefined {
    const text = this.yaml.string(field);
    if (text === undefined) return undefined;
    const reference = parseReference(text);
    const node = this.yaml.where(field);
    if (reference === 'malformed') {
      this.sink.at(node, `${field.path} is not a valid reference; write \${env:NAME} or \${secret:NAME}`);
      return undefined;
    }
    if (reference === undefined) {
      if (warnLiteral) {
        this.sink.at(
          node,
          `${field.path} is a literal key in the config file; prefer \${env:NAME} or \${secret:NAME}`,
          'warning',
        );
      }
      redact(text);
      return text;
    }
    const value = resolveReference(reference, this.env);
    if (value === undefined) {
      const variable = referenceEnvName(reference);
      const origin = reference.kind === 'secret' ? ` (the value of \${secret:${reference.name}})` : '';
      this.sink.at(node, `${field.path}: environment variable ${variable}${origin} is not set`);
      return undefined;
    }
    redact(value);
    return value;
  }

  private pools(field: Field | undefined, root: Node, defaultAlgorithm: AlgorithmId): PoolConfig[] | undefined {
    if (!field) {
      this.sink.at(root, 'pools is required: a list of pools, each with a name and replicas');
      return undefined;
    }
    const items = this.yaml.seq(field);
    if (!items) return undefined;
    if (items.length === 0) {
      this.sink.at(this.yaml.where(field), 'pools must list at least one pool');
      return undefined;
    }
    const names = new Map<string, number>();
    items.forEach((item, index) => {
      const name = this.yaml.peekString(item, 'name');
      if (!name) return;
      const seen = names.get(name.value);
      if (seen === undefined) names.set(name.value, index);
      else this.sink.at(name.node, `duplicate pool name "${name.value}" (also pools[${seen}])`);
    });
    const pools: PoolConfig[] = [];
    const models = new Map<string, string>();
    this.fallbackNodes.clear();
    items.forEach((item, index) => {
      const parsed = this.pool(item, `pools[${index}]`, field, defaultAlgorithm);
      if (!parsed) return;
      const { pool, modelsNode } = parsed;
      for (const model of pool.models ?? []) {
        const other = models.get(model);
        if (other !== undefined && other !== pool.name) {
          this.sink.at(modelsNode, `model "${model}" is already served by pool "${other}"`);
        }
        models.set(model, pool.name);
      }
      pools.push(pool);
    });
    for (const pool of pools) {
      if (pool.fallback === undefined) continue;
      const at = this.fallbackNodes.get(pool)!;
      if (pool.fallback === pool.name) this.sink.at(at, `pool "${pool.name}" cannot be its own fallback`);
      else if (!names.has(pool.fallback)) {
        this.sink.at(at, `fallback "${pool.fallback}" is no pool of this file; pools: ${[...names.keys()].join(', ')}`);
      }
    }
    return pools.length === items.length && !pools.some((pool) => this.badFallback(pool, names)) ? pools : undefined;
  }

  private badFallback(pool: PoolConfig, names: Map<string, number>): boolean {
    return pool.fallback !== undefined && (pool.fallback === pool.name || !names.has(pool.fallback));
  }

  private pool(
    node: Node,
    path: string,
    parent: Field,
    defaultAlgorithm: AlgorithmId,
  ): { pool: PoolConfig; modelsNode: Node } | undefined {
    const y = this.yaml;
    const fields = y.map(node, path, POOL_KEYS, parent.key);
    if (!fields) return undefined;
    const errorsBefore = this.sink.issues.filter((i) => i.severity === 'error').length;

    const nameField = fields.get('name');
    let name = nameField ? y.string(nameField) : undefined;
    if (!nameField) this.sink.at(node, `${path}.name is required`);
    else if (name !== undefined && !POOL_NAME.test(name)) {
      this.sink.at(y.where(nameField), `${path}.name may hold only letters, digits, ".", "_" and "-"`);
      name = undefined;
    }

    const modelsField = fields.get('models');
    const models = modelsField ? y.stringList(modelsField) : undefined;
    const algorithm = this.algorithm(fields.get('algorithm')) ?? defaultAlgorithm;

    const healthCheck: HealthCheckConfig = { ...DEFAULTS.healthCheck };
    const hcField = fields.get('healthCheck');
    if (hcField) {
      const hc = y.map(hcField.value, hcField.path, HEALTH_CHECK_KEYS, hcField.key);
      const at = (key: string) => hc?.get(key);
      const enabled = at('enabled');
      const hcPath = at('path');
      const interval = at('interval');
      const timeout = at('timeout');
      const rise = at('rise');
      const fall = at('fall');
      if (enabled) healthCheck.enabled = y.boolean(enabled) ?? healthCheck.enabled;
      if (hcPath) {
        const value = y.string(hcPath);
        if (value !== undefined && !value.startsWith('/')) {
          this.sink.at(y.where(hcPath), `${hcPath.path} must start with "/"`);
        } else if (value !== undefined) healthCheck.path = value;
      }
      if (interval) healthCheck.interval = y.duration(interval, { positive: true }) ?? healthCheck.interval;
      if (timeout) healthCheck.timeout = y.duration(timeout, { positive: true }) ?? healthCheck.timeout;
      if (rise) healthCheck.rise = y.integer(rise, 1) ?? healthCheck.rise;
      if (fall) healthCheck.fall = y.integer(fall, 1) ?? healthCheck.fall;
    }

    const maxFailsField = fields.get('maxFails');
    const maxFails = maxFailsField ? (y.integer(maxFailsField, 0) ?? DEFAULTS.maxFails) : DEFAULTS.maxFails;
    const failTimeoutField = fields.get('failTimeout');
    const failTimeout = failTimeoutField
      ? (y.duration(failTimeoutField, { positive: true }) ?? DEFAULTS.failTimeout)
      : DEFAULTS.failTimeout;
    const retriesField = fields.get('retries');
    const retries = retriesField ? (y.integer(retriesField, 0, 100) ?? DEFAULTS.retries) : DEFAULTS.retries;

    const fallbackField = fields.get('fallback');
    const fallback = fallbackField ? y.string(fallbackField) : undefined;
    const deadlineField = fields.get('deadline');
    const deadline = deadlineField
      ? (y.duration(deadlineField, { positive: true }) ?? DEFAULTS.deadline)
      : DEFAULTS.deadline;

    const timeouts: TimeoutsConfig = { ...DEFAULTS.timeouts };
    const timeoutsField = fields.get('timeouts');
    if (timeoutsField) {
      const t = y.map(timeoutsField.value, timeoutsField.path, TIMEOUT_KEYS, timeoutsField.key);
      for (const key of TIMEOUT_KEYS) {
        const field = t?.get(key);
        if (field) timeouts[key] = y.duration(field, { positive: true }) ?? timeouts[key];
      }
    }

    const replicas = this.replicas(fields.get('replicas'), path, node);
    const errorsAfter = this.sink.issues.filter((i) => i.severity === 'error').length;
    if (name === undefined || !replicas || errorsAfter > errorsBefore) return undefined;
    const pool: PoolConfig = {
      name,
      algorithm,
      replicas,
      healthCheck,
      maxFails,
      failTimeout,
      timeouts,
      retries,
      deadline,
    };
    if (models) pool.models = models;
    if (fallback !== undefined && fallbackField) {
      pool.fallback = fallback;
      this.fallbackNodes.set(pool, y.where(fallbackField));
    }
    return { pool, modelsNode: modelsField ? y.where(modelsField) : node };
  }

  private replicas(field: Field | undefined, poolPath: string, poolNode: Node): ReplicaConfig[] | undefined {
    if (!field) {
      this.sink.at(poolNode, `${poolPath}.replicas is required: a list of replicas, each with a url`);
      return undefined;
    }
    const items = this.yaml.seq(field);
    if (!items) return undefined;
    if (items.length === 0) {
      this.sink.at(this.yaml.where(field), `${field.path} must list at least one replica`);
      return undefined;
    }
    const replicas: ReplicaConfig[] = [];
    const names = new Map<string, number>();
    items.forEach((item, index) => {
      const parsed = this.replica(item, `${field.path}[${index}]`, field);
      if (!parsed) return;
      const { replica, nameNode } = parsed;
      const seen = names.get(replica.name);
      if (seen !== undefined) {
        this.sink.at(nameNode, `duplicate replica name "${replica.name}" in this pool (also ${field.path}[${seen}])`);
        return;
      }
      names.set(replica.name, index);
      replicas.push(replica);
    });
    return replicas.length === items.length ? replicas : undefined;
  }

  private replica(node: Node, path: string, parent: Field): { replica: ReplicaConfig; nameNode: Node } | undefined {
    const y = this.yaml;
    const fields = y.map(node, path, REPLICA_KEYS, parent.key);
    if (!fields) return undefined;
    const urlField = fields.get('url');
    if (!urlField) {
      this.sink.at(node, `${path}.url is required`);
      return undefined;
    }
    const url = this.replicaUrl(urlField);
    const nameField = fields.get('name');
    let name = nameField ? y.string(nameField) : undefined;
    if (nameField && name !== undefined && !REPLICA_NAME.test(name)) {
      this.sink.at(y.where(nameField), `${nameField.path} may not contain spaces or "/"`);
      name = undefined;
    }
    const weightField = fields.get('weight');
    const weight = weightField ? y.integer(weightField, 1, 1000) : DEFAULTS.weight;
    const apiKeyField = fields.get('apiKey');
    const apiKey = apiKeyField ? this.secret(apiKeyField, true) : undefined;
    const cacheField = fields.get('cacheTokens');
    const cacheTokens = cacheField ? y.integer(cacheField, 1) : undefined;
    const kvField = fields.get('kvEvents');
    const kvEvents = kvField ? this.kvEvents(kvField) : undefined;
    if (
      !url ||
      weight === undefined ||
      (nameField && name === undefined) ||
      (apiKeyField && apiKey === undefined) ||
      (cacheField && cacheTokens === undefined) ||
      (kvField && kvEvents === undefined)
    ) {
      return undefined;
    }
    const replica: ReplicaConfig = { url: url.href.replace(/\/$/, ''), name: name ?? defaultReplicaName(url), weight };
    if (apiKey !== undefined) replica.apiKey = apiKey;
    if (cacheTokens !== undefined) replica.cacheTokens = cacheTokens;
    if (kvEvents !== undefined) replica.kvEvents = kvEvents;
    return { replica, nameNode: nameField ? y.where(nameField) : y.where(urlField) };
  }

  private kvEvents(field: Field): KvEventsConfig | undefined {
    const y = this.yaml;
    const fields = y.map(field.value, field.path, KV_EVENTS_KEYS, field.key);
    if (!fields) return undefined;
    const endpointField = fields.get('endpoint');
    if (!endpointField) {
      this.sink.at(y.where(field), `${field.path}.endpoint is required (the replica's --kv-events-config endpoint)`);
      return undefined;
    }
    const endpoint = y.string(endpointField);
    if (endpoint === undefined) return undefined;
    const match = ZMQ_ENDPOINT.exec(endpoint);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535 || match[1] === '*') {
      this.sink.at(
        y.where(endpointField),
        `${endpointField.path} must be a ZMQ endpoint to connect to, such as tcp://10.0.0.10:5557`,
      );
      return undefined;
    }
    const topicField = fields.get('topic');
    const topic = topicField ? y.string(topicField, { nonEmpty: false }) : '';
    if (topic === undefined) return undefined;
    return { endpoint, topic };
  }

  private replicaUrl(field: Field): URL | undefined {
    const text = this.yaml.string(field);
    if (text === undefined) return undefined;
    const where = this.yaml.where(field);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      this.sink.at(where, `${field.path} must be an absolute http:// or https:// URL such as http://10.0.0.10:8000`);
      return undefined;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      this.sink.at(where, `${field.path} must use http:// or https://`);
      return undefined;
    }
    if (url.username || url.password) {
      this.sink.at(where, `${field.path} must not carry credentials; use apiKey with \${env:NAME}`);
      return undefined;
    }
    if (url.search || url.hash) {
      this.sink.at(where, `${field.path} must not have a query or fragment`);
      return undefined;
    }
    // An OPENAI_BASE_URL pasted as is: the sidecar adds /v1 itself, so .../v1 would become .../v1/v1 upstream.
    if (/\/v1\/?$/.test(url.pathname)) {
      url.pathname = url.pathname.replace(/\/v1\/?$/, '') || '/';
      const base = url.href.replace(/\/$/, '');
      this.sink.at(
        where,
        `${field.path} ends in /v1; the sidecar adds /v1 itself, so it uses ${base} (write that to silence this)`,
        'warning',
      );
    }
    return url;
  }
}

/** host:port, with the scheme's default port written out. */
export function defaultReplicaName(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}
