import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { exportInferenceGateway } from '../../../core/export/inferenceGateway';
import { kubernetesNames, parseSelector } from '../../../core/export/kubernetesNames';
import { type ExportOptions, planExport } from '../../../core/export/plan';
import { ALGORITHM_IDS } from '../../../core/protocol';
import { crdJsonSchema, errorsOf, newAjv } from './crdSchema';
import { EPP_CONFIG_SCHEMA, referenceProblems } from './eppConfigSchema';
import { headerOf, planFor, pool } from './helpers';

// biome-ignore lint/suspicious/noExplicitAny: parsed manifests, walked freely by the assertions
type Doc = Record<string, any>;

const ajv = newAjv();
const inferencePoolCrd = crdJsonSchema('inference.networking.k8s.io_inferencepools.yaml', 'v1');
const httpRouteCrd = crdJsonSchema('gateway.networking.k8s.io_httproutes.yaml', 'v1');
const validators = {
  InferencePool: ajv.compile(inferencePoolCrd.schema),
  HTTPRoute: ajv.compile(httpRouteCrd.schema),
  ConfigMap: ajv.compile({
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata', 'data'],
    properties: {
      apiVersion: { const: 'v1' },
      kind: { const: 'ConfigMap' },
      metadata: (inferencePoolCrd.schema.properties as Record<string, unknown>).metadata,
      data: {
        type: 'object',
        additionalProperties: { type: 'string' },
        propertyNames: { pattern: '^[-._a-zA-Z0-9]+$' },
      },
    },
  }),
};
const eppConfig = ajv.compile(EPP_CONFIG_SCHEMA);

/** Several pools, one per algorithm (so every algorithm appears), with models, weights, keys and odd names. */
function everyAlgorithm(): string {
  const pools = ALGORITHM_IDS.map(
    (algorithm, index) => `  - name: ${index === 0 ? 'Llama_8B' : `pool-${algorithm}`}
    algorithm: ${algorithm}
    models: [model-${index}, org/model-${index}-instruct]
    replicas:
      - { url: "http://10.0.${index}.1:8000", weight: ${index + 1}, apiKey: "\${env:KEY_${index}}" }
      - { url: "http://10.0.${index}.2:8000" }`,
  );
  return `pools:\n${pools.join('\n')}\n`;
}

function exportDocs(yaml: string, options: Partial<ExportOptions> = {}): { text: string; docs: Doc[] } {
  const plan = planFor(yaml);
  const text = exportInferenceGateway(planExport(plan.config, options));
  const docs = parseAllDocuments(text).map((d) => {
    assert.deepEqual(d.errors, []);
    return d.toJS() as Doc;
  });
  return { text, docs: docs.filter((d) => d !== null) };
}

/** The CEL rules of the two CRDs that apply to what the export writes, restated (ajv cannot run CEL). */
function celProblems(doc: Doc): string[] {
  const problems: string[] = [];
  if (doc.kind === 'InferencePool') {
    const numbers = doc.spec.targetPorts.map((p: Doc) => p.number);
    if (new Set(numbers).size !== numbers.length) problems.push('port number must be unique');
    const ref = doc.spec.endpointPickerRef;
    if ((ref.kind ?? 'Service') === 'Service' && !ref.port) problems.push('endpointPickerRef.port is required');
  }
  if (doc.kind === 'HTTPRoute') {
    const rules: Doc[] = doc.spec.rules;
    if (rules.reduce((n, r) => n + (r.matches?.length ?? 0), 0) > 128) problems.push('more than 128 matches');
    for (const rule of rules) {
      const rewrite = (rule.filters ?? []).some((f: Doc) => f.urlRewrite?.path?.type === 'ReplacePrefixMatch');
      if (rewrite && (rule.matches?.length !== 1 || rule.matches[0].path?.type !== 'PathPrefix')) {
        problems.push('URLRewrite with replacePrefixMatch needs exactly one PathPrefix match');
      }
      for (const filter of rule.filters ?? []) {
        const field = filter.type === 'URLRewrite' ? 'urlRewrite' : filter.type[0].toLowerCase() + filter.type.slice(1);
        if (filter[field] === undefined) problems.push(`filter ${filter.type} without ${field}`);
      }
      for (const match of rule.matches ?? []) {
        const value: string = match.path?.value ?? '/';
        if (!value.startsWith('/') || /\/\/|\/\.\/|\/\.\.\/|%2f|%2F|#/.test(value)) problems.push(`bad path ${value}`);
      }
      for (const ref of rule.backendRefs ?? []) {
        if ((ref.kind ?? 'Service') === 'Service' && ref.port === undefined) problems.push('Service ref without port');
      }
    }
  }
  return problems;
}

function validateAll(docs: Doc[]): void {
  for (const doc of docs) {
    const validate = validators[doc.kind as keyof typeof validators];
    assert.ok(validate, `unexpected kind ${doc.kind}`);
    assert.ok(validate(doc), `${doc.kind} ${doc.metadata?.name}:\n${errorsOf(validate)}`);
    assert.deepEqual(celProblems(doc), [], `${doc.kind} ${doc.metadata.name}`);
    if (doc.kind === 'ConfigMap') {
      const config = parseYaml(doc.data['epp-config.yaml']);
      assert.ok(eppConfig(config), `EndpointPickerConfig in ${doc.metadata.name}:\n${errorsOf(eppConfig)}`);
      assert.deepEqual(referenceProblems(config), [], doc.metadata.name);
    }
  }
}

test('the published CRDs load as JSON schemas, and they reject what the API server would', () => {
  assert.equal(inferencePoolCrd.apiVersion, 'inference.networking.k8s.io/v1');
  assert.equal(httpRouteCrd.apiVersion, 'gateway.networking.k8s.io/v1');
  const { docs } = exportDocs(pool('prefix-aware'));
  const poolDoc = structuredClone(docs.find((d) => d.kind === 'InferencePool')!);
  assert.ok(validators.InferencePool(poolDoc), errorsOf(validators.InferencePool));
  // Each mutation breaks a rule the CRD states, so a pass above is not a schema that accepts anything.
  const broken: [string, (d: Doc) => void][] = [
    ['no selector', (d) => delete d.spec.selector],
    ['empty matchLabels', (d) => (d.spec.selector.matchLabels = {})],
    ['port 0', (d) => (d.spec.targetPorts = [{ number: 0 }])],
    ['unknown field', (d) => (d.spec.endpointPickerRef.extra = true)],
    ['bad failure mode', (d) => (d.spec.endpointPickerRef.failureMode = 'Maybe')],
    ['upper-case name', (d) => (d.metadata.name = 'Llama')],
    ['old apiVersion', (d) => (d.apiVersion = 'inference.networking.x-k8s.io/v1alpha2')],
  ];
  for (const [what, mutate] of broken) {
    const copy = structuredClone(poolDoc);
    mutate(copy);
    assert.equal(validators.InferencePool(copy), false, what);
  }
  const route = structuredClone(docs.find((d) => d.kind === 'HTTPRoute')!);
  route.spec.rules[0].timeouts.request = '5 minutes';
  assert.equal(validators.HTTPRoute(route), false, 'a duration outside GEP-2257 is refused');
  route.spec.rules[0].timeouts.request = '0s';
  route.spec.rules[0].backendRefs[0].weight = -1;
  assert.equal(validators.HTTPRoute(route), false, 'a negative weight is refused');
});

test('every algorithm, several pools, with and without --namespace/--selector: valid against the CRDs', () => {
  const variants: Partial<ExportOptions>[] = [
    {},
    { namespace: 'llm-serving' },
    { selector: parseSelector(['app=vllm']) as never },
    { namespace: 'team-a', selector: parseSelector(['app.kubernetes.io/name=vllm,model={pool}']) as never },
  ];
  for (const options of variants) {
    const { docs } = exportDocs(everyAlgorithm(), options);
    assert.equal(docs.length, ALGORITHM_IDS.length * 3, JSON.stringify(options));
    validateAll(docs);
    for (const doc of docs) assert.equal(doc.metadata.namespace, options.namespace, doc.metadata.name);
  }
  for (const algorithm of ALGORITHM_IDS) validateAll(exportDocs(pool(algorithm)).docs);
});

test('scorers follow the algorithm: prefix-aware, queue-aware, least-connections', () => {
  const scorers = (algorithm: string) => {
    const { docs } = exportDocs(pool(algorithm));
    const config = parseYaml(docs.find((d) => d.kind === 'ConfigMap')!.data['epp-config.yaml']);
    return Object.fromEntries(
      config.schedulingProfiles[0].plugins.map((p: Doc) => [p.pluginRef, p.weight ?? 'picker']),
    );
  };
  assert.deepEqual(scorers('prefix-aware'), {
    'prefix-cache-scorer': 3,
    'queue-scorer': 2,
    'kv-cache-utilization-scorer': 2,
    'max-score-picker': 'picker',
  });
  assert.deepEqual(scorers('queue-aware'), {
    'queue-scorer': 2,
    'kv-cache-utilization-scorer': 1,
    'max-score-picker': 'picker',
  });
  assert.deepEqual(scorers('least-connections'), { 'running-requests-size-scorer': 1, 'max-score-picker': 'picker' });
  assert.deepEqual(scorers('round-robin'), { 'random-picker': 'picker' });
});

test('objects: pool selected by labels, picker reference, routes by path, header and model', () => {
  const { text, docs } = exportDocs(everyAlgorithm(), {
    namespace: 'llm',
    selector: parseSelector(['app=vllm', 'tier=gpu']) as never,
  });
  const [poolDoc, configMap, route] = docs;
  assert.equal(poolDoc!.metadata.name, 'llama-8b');
  assert.deepEqual(poolDoc!.spec.selector.matchLabels, { app: 'vllm', tier: 'gpu', 'vllm-pools.io/pool': 'llama-8b' });
  assert.deepEqual(poolDoc!.spec.targetPorts, [{ number: 8000 }]);
  assert.deepEqual(poolDoc!.spec.endpointPickerRef, {
    kind: 'Service',
    name: 'llama-8b-epp',
    port: { number: 9002 },
    failureMode: 'FailOpen',
  });
  assert.equal(configMap!.metadata.name, 'llama-8b-epp-config');
  assert.deepEqual(route!.spec.parentRefs, [
    { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'inference-gateway' },
  ]);
  const rules: Doc[] = route!.spec.rules;
  assert.deepEqual(rules[0]!.matches, [{ path: { type: 'PathPrefix', value: '/pools/Llama_8B' } }]);
  const headers = rules[1]!.matches.map((m: Doc) => `${m.headers[0].name}: ${m.headers[0].value}`);
  assert.deepEqual(headers, [
    'x-vllm-pools-pool: Llama_8B',
    'x-model: model-0',
    'X-Gateway-Model-Name: model-0',
    'x-model: org/model-0-instruct',
    'X-Gateway-Model-Name: org/model-0-instruct',
  ]);
  assert.equal(rules[2]!.name, 'default-pool', 'only the default (first) pool takes everything else');
  const otherRoutes = docs.filter((d) => d.kind === 'HTTPRoute').slice(1);
  for (const other of otherRoutes) assert.ok(other.spec.rules.every((r: Doc) => r.name !== 'default-pool'));
  for (const rule of rules) assert.deepEqual(rule.timeouts, { request: '0s' });
  assert.doesNotMatch(text, /&a\d|\*a\d/, 'no YAML anchors: every object written out');

  const header = headerOf(text);
  for (const phrase of [
    '--format inference-gateway',
    'Algorithm prefix-aware: prefix-cache-scorer',
    'Algorithm round-robin: random-picker',
    'pool Llama_8B: pods labelled app=vllm,tier=gpu,vllm-pools.io/pool=llama-8b, port 8000',
    'Pool "Llama_8B" is named "llama-8b"',
    'replica weights are not expressible',
    'add a RequestHeaderModifier filter with the key from $KEY_0',
    'readinessProbe',
    'failureMode FailOpen',
  ]) {
    assert.ok(header.replace(/\n# {0,3}/g, ' ').includes(phrase), `header lacks: ${phrase}`);
  }
  assert.doesNotMatch(text, /\u0000|vllm-pools-env-ref/, 'no reference marker leaks');
});

test('selector: default pool label, {pool} placeholder, single pool keeps the given labels only', () => {
  const two = `pools:
  - { name: a, replicas: [{ url: "http://10.0.0.1:8000" }] }
  - { name: b, replicas: [{ url: "http://10.0.0.2:8000" }] }
`;
  const labels = (yaml: string, selector?: string[]) =>
    exportDocs(yaml, selector ? { selector: parseSelector(selector) as never } : {})
      .docs.filter((d) => d.kind === 'InferencePool')
      .map((d) => d.spec.selector.matchLabels);
  assert.deepEqual(labels(two), [{ 'vllm-pools.io/pool': 'a' }, { 'vllm-pools.io/pool': 'b' }]);
  assert.deepEqual(labels(two, ['app=vllm-{pool}']), [{ app: 'vllm-a' }, { app: 'vllm-b' }]);
  assert.deepEqual(labels(pool('round-robin'), ['app=vllm']), [{ app: 'vllm' }]);
  assert.match(String(parseSelector(['novalue'])), /KEY=VALUE/);
  assert.match(String(parseSelector(['app=-bad'])), /label value/);
  assert.match(String(parseSelector(['Bad.Prefix/app=x'])), /DNS subdomain/);
  assert.match(String(parseSelector(['a=1,a=2'])), /twice/);
});

test('Kubernetes names: lower case, RFC 1123, unique, room for the -epp-config suffix', () => {
  const names = kubernetesNames(['Llama_8B', 'llama-8b', '8b', 'x'.repeat(80), 'a.b']);
  assert.deepEqual(names.slice(0, 3), ['llama-8b', 'llama-8b-2', 'pool-8b']);
  assert.equal(names[4], 'a-b');
  for (const name of names) {
    assert.match(name, /^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    assert.ok(`${name}-epp-config`.length <= 63, name);
  }
});
