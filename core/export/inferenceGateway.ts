// Kubernetes Gateway API Inference Extension export: per pool an InferencePool (the pods, selected by labels, and
// their endpoint picker), a ConfigMap with the endpoint picker's EndpointPickerConfig (the scorers nearest to the
// pool's algorithm) and an HTTPRoute from a Gateway to the pool. Multi-document YAML, deterministic, no secret values.
import { stringify } from 'yaml';
import { EPP_CONFIG_KEY, EPP_PORT, endpointPickerConfig, SCHEDULING } from './endpointPicker';
import { kubernetesNames, POOL_LABEL, poolSelectors } from './kubernetesNames';
import { commentBlock } from './limitations';
import { type ExportPlan, MODEL_HEADER, type PlannedPool, POOL_HEADER } from './plan';

export const INFERENCE_POOL_API_VERSION = 'inference.networking.k8s.io/v1';
export const HTTP_ROUTE_API_VERSION = 'gateway.networking.k8s.io/v1';
/** The Gateway every HTTPRoute attaches to (the name the inference extension's guides use). */
export const GATEWAY_NAME = 'inference-gateway';
/** Set from the body's "model" by the inference extension's body-based router, when one runs in front. */
export const BBR_MODEL_HEADER = 'X-Gateway-Model-Name';
/** HTTPRoute allows 64 matches per rule: the pool header plus two per model. */
const MAX_MODELS_PER_ROUTE = 31;

type Manifest = Record<string, unknown>;

interface KubePool {
  planned: PlannedPool;
  name: string;
  matchLabels: Record<string, string>;
  port: number;
}

export function exportInferenceGateway(plan: ExportPlan): string {
  const names = kubernetesNames(plan.pools.map((p) => p.pool.name));
  const { selectors, addedPoolLabel } = poolSelectors(plan.selector, names);
  const pools: KubePool[] = plan.pools.map((planned, index) => ({
    planned,
    name: names[index]!,
    matchLabels: selectors[index]!,
    port: planned.servers[0]!.port,
  }));
  const documents: Manifest[] = [];
  for (const pool of pools) {
    documents.push(inferencePool(plan, pool), pickerConfigMap(plan, pool), httpRoute(plan, pool));
  }
  const header = commentBlock(
    plan,
    'inference-gateway',
    'the Kubernetes inference gateway',
    intro(plan, pools),
    limits(plan, pools, addedPoolLabel),
  );
  const body = documents.map((doc) => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
  return `${header}---\n${body}`;
}

function metadata(plan: ExportPlan, name: string): Manifest {
  const meta: Manifest = { name };
  if (plan.namespace !== undefined) meta.namespace = plan.namespace;
  meta.labels = { 'app.kubernetes.io/managed-by': 'vllm-pools' };
  return meta;
}

function inferencePool(plan: ExportPlan, pool: KubePool): Manifest {
  return {
    apiVersion: INFERENCE_POOL_API_VERSION,
    kind: 'InferencePool',
    metadata: metadata(plan, pool.name),
    spec: {
      selector: { matchLabels: pool.matchLabels },
      targetPorts: [{ number: pool.port }],
      appProtocol: 'http',
      endpointPickerRef: {
        kind: 'Service',
        name: `${pool.name}-epp`,
        port: { number: EPP_PORT },
        failureMode: 'FailOpen',
      },
    },
  };
}

function pickerConfigMap(plan: ExportPlan, pool: KubePool): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(plan, `${pool.name}-epp-config`),
    data: { [EPP_CONFIG_KEY]: stringify(endpointPickerConfig(pool.planned.pool.algorithm), { lineWidth: 0 }) },
  };
}

function httpRoute(plan: ExportPlan, pool: KubePool): Manifest {
  const backendRefs = [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: pool.name }];
  // No overall limit, as in the sidecar: a long generation must not be cut by an implementation's default (often 15s).
  const timeouts = { request: '0s' };
  const headerMatch = (name: string, value: string) => ({
    path: { type: 'PathPrefix', value: '/' },
    headers: [{ type: 'Exact', name, value }],
  });
  const models = (pool.planned.pool.models ?? []).slice(0, MAX_MODELS_PER_ROUTE);
  const rules: Manifest[] = [
    {
      name: 'pool-path',
      matches: [{ path: { type: 'PathPrefix', value: `/pools/${pool.planned.pool.name}` } }],
      filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
      backendRefs,
      timeouts,
    },
    {
      name: 'pool-headers',
      matches: [
        headerMatch(POOL_HEADER, pool.planned.pool.name),
        ...models.flatMap((model) => [headerMatch(MODEL_HEADER, model), headerMatch(BBR_MODEL_HEADER, model)]),
      ],
      backendRefs,
      timeouts,
    },
  ];
  if (pool.planned === plan.defaultPool) {
    rules.push({
      name: 'default-pool',
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs,
      timeouts,
    });
  }
  return {
    apiVersion: HTTP_ROUTE_API_VERSION,
    kind: 'HTTPRoute',
    metadata: metadata(plan, pool.name),
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY_NAME }],
      rules,
    },
  };
}

function intro(plan: ExportPlan, pools: KubePool[]): string[] {
  const lines = [
    'Apply with `kubectl apply -f FILE` once the cluster has the Gateway API CRDs (standard channel), the InferencePool' +
      ` CRD (${INFERENCE_POOL_API_VERSION}) and a Gateway named "${GATEWAY_NAME}"` +
      `${plan.namespace === undefined ? '' : ` in namespace ${plan.namespace}`} whose implementation supports` +
      ' InferencePool backends; edit parentRefs for another Gateway.',
    `Each pool needs its endpoint picker (EPP) as Service <pool>-epp on port ${EPP_PORT}, started with` +
      ` --pool-name <pool> and --config-file /config/${EPP_CONFIG_KEY}, the ConfigMap <pool>-epp-config mounted at` +
      ' /config: e.g. the inferencepool Helm chart of gateway-api-inference-extension, or llm-d-inference-scheduler.',
    'The vLLM pods are the replicas, selected by labels (the replica URLs are not exported):',
  ];
  for (const pool of pools) {
    const labels = Object.entries(pool.matchLabels)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    lines.push(`  pool ${pool.planned.pool.name}: pods labelled ${labels}, port ${pool.port}`);
  }
  return lines;
}

function limits(plan: ExportPlan, pools: KubePool[], addedPoolLabel: boolean): string[] {
  const lines: string[] = [];
  const used = [...new Set(plan.pools.map((p) => p.pool.algorithm))];
  for (const algorithm of used) lines.push(`Algorithm ${algorithm}: ${SCHEDULING[algorithm].note}`);
  lines.push(
    'Model routing: the sidecar picks a pool from the request body\'s "model"; an HTTPRoute matches headers and' +
      ' paths, not the JSON body. A pool is reached by its base URL' +
      ` /pools/<pool>/v1, the header ${POOL_HEADER}: <pool>, ${MODEL_HEADER}: <model id>, or ${BBR_MODEL_HEADER}` +
      ' (which the inference extension\'s body-based router sets from the body\'s "model" when it runs in front);' +
      ` anything else goes to pool "${plan.defaultPool.pool.name}".`,
    "GET /v1/models is answered by one pod of the chosen pool (the sidecar merges every healthy replica's list).",
  );
  if (addedPoolLabel) {
    lines.push(
      `The --selector labels are the same for every pool, so each pool also selects ${POOL_LABEL}=<pool>; or write` +
        ' {pool} in a --selector value.',
    );
  }
  for (const pool of pools) {
    const planned = pool.planned;
    const name = planned.pool.name;
    if (pool.name !== name) lines.push(`Pool "${name}" is named "${pool.name}" in Kubernetes (RFC 1123 names).`);
    const ports = new Set(planned.servers.map((s) => s.port));
    if (ports.size > 1) {
      lines.push(
        `Pool "${name}": replicas listen on ports ${[...ports].join(', ')}; every pod is reached on ${pool.port}.`,
      );
    }
    if (planned.servers.some((s) => s.weight !== 1)) {
      lines.push(`Pool "${name}": replica weights are not expressible (an InferencePool has no per-pod weight).`);
    }
    if (planned.scheme === 'https') {
      lines.push(
        `Pool "${name}": its replicas use https; the gateway reaches pods over plain HTTP unless a BackendTLSPolicy` +
          ' (not exported) says otherwise.',
      );
    }
    if ((planned.pool.models?.length ?? 0) > MAX_MODELS_PER_ROUTE) {
      lines.push(`Pool "${name}": only its first ${MAX_MODELS_PER_ROUTE} models get header matches (64 per rule).`);
    }
    if (planned.key.kind !== 'none') {
      const which =
        planned.key.kind === 'mixed'
          ? 'its replicas use different API keys, and the gateway sends none to the pods.'
          : planned.key.literal
            ? 'the config holds a literal API key; it is not copied here, and the gateway sends no key to the pods.'
            : 'the gateway sends no API key to the pods.';
      lines.push(
        `Pool "${name}": ${which} Run vLLM without --api-key inside the cluster, or add a RequestHeaderModifier filter` +
          ` with the key from $${planned.key.variable} (not exported: it would put the key in the manifest).`,
      );
    }
  }
  const probes = new Map<string, string[]>();
  for (const pool of pools) {
    const hc = pool.planned.pool.healthCheck;
    const probe =
      `httpGet ${hc.path} port ${pool.port}, periodSeconds ${Math.ceil(hc.interval / 1000)}, timeoutSeconds` +
      ` ${Math.ceil(hc.timeout / 1000)}, successThreshold ${hc.rise}, failureThreshold ${hc.fall}`;
    probes.set(probe, [...(probes.get(probe) ?? []), pool.planned.pool.name]);
  }
  const probeText = [...probes]
    .map(([probe, names]) => (probes.size === 1 ? probe : `${probe} for ${names.join(', ')}`))
    .join('; ');
  lines.push(
    "Health: the endpoint picker routes only to Ready pods, so healthCheck becomes the vLLM container's" +
      ` readinessProbe in your Deployment (${probeText}); maxFails/failTimeout (passive ejection) have no equivalent.`,
    'Timeouts: timeouts.request is 0s (no overall limit, as in the sidecar); timeouts.connect, firstByte and idle' +
      " have no standard HTTPRoute field: set them in your implementation's policy." +
      ' Retries are not in the standard channel (HTTPRoute retry is' +
      ' experimental): none are exported.',
    'failureMode FailOpen: when an endpoint picker is down the gateway still forwards, choosing pods without LLM-aware' +
      ' routing; set FailClose to refuse instead.',
  );
  if (plan.clientTokenVariable || plan.config.users?.length) {
    lines.push(
      'Client token and users: the standard Gateway API has no client authentication or per-user limits; use your' +
        " implementation's API-key/JWT and rate-limit policies, or the endpoint picker's flow control (not exported).",
    );
  }
  lines.push(
    'Not exported: the admin API, dashboard and state stream, /healthz, the vllm_pools_* metrics (the endpoint picker' +
      ' publishes its own), hot algorithm switching and per-replica drain (cordon or scale the pods instead), and the' +
      " sidecar's Host and Origin checks.",
  );
  return lines;
}
