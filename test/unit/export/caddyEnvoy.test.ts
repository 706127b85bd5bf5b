import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { checkEnvoyShape, ENVOY_RETRY_ON } from './envoyShape';
import { pool, render, withoutComments } from './helpers';

test('Caddy: lb_policy per algorithm, streaming, health, passive, timeouts', () => {
  const cases: Record<string, string> = {
    'round-robin': 'round_robin',
    'least-connections': 'least_conn',
    'least-response-time': 'least_conn',
    'queue-aware': 'least_conn',
    'consistent-hash': 'header x-session-id',
    'prefix-aware': 'header x-session-id',
    'power-of-two': 'random_choose 2',
  };
  for (const [algorithm, policy] of Object.entries(cases)) {
    assert.ok(render('caddy', pool(algorithm)).includes(`\t\tlb_policy ${policy}\n`), algorithm);
  }
  const text = render('caddy', pool('least-connections'));
  for (const line of [
    'reverse_proxy http://10.0.0.1:8000 http://10.0.0.2:8000 {',
    'flush_interval -1',
    'health_uri /ready',
    'health_interval 7s',
    'health_timeout 1500ms',
    'fail_duration 20s',
    'max_fails 4',
    'unhealthy_status 5xx',
    'lb_try_duration 12s',
    'buffer_requests',
    'dial_timeout 3s',
    'response_header_timeout 90s',
    'read_timeout 45m',
    'http://127.0.0.1:8800 {',
    'handle_path /pools/llama/* {',
  ]) {
    assert.ok(text.includes(line), `missing: ${line}`);
  }
  assert.doesNotMatch(text, /^ {4}/m, 'Caddy files are indented with tabs');
  assert.match(text, /Weights are not exported/);
  const noRetries = withoutComments(render('caddy', pool('round-robin').replace('retries: 3', 'retries: 0')));
  assert.ok(!noRetries.includes('lb_try_duration'));
});

function envoy(yaml: string): {
  text: string;
  doc: {
    static_resources: {
      clusters: Record<string, unknown>[];
      listeners: { filter_chains: { filters: { typed_config: Record<string, unknown> }[] }[] }[];
    };
  };
} {
  const text = render('envoy', yaml);
  return { text, doc: parse(text) };
}

function routesOf(doc: ReturnType<typeof envoy>['doc']): Record<string, Record<string, unknown>>[] {
  const hcm = doc.static_resources.listeners[0]!.filter_chains[0]!.filters[0]!.typed_config;
  const routeConfig = hcm.route_config as { virtual_hosts: { routes: Record<string, Record<string, unknown>>[] }[] };
  return routeConfig.virtual_hosts[0]!.routes;
}

test('Envoy: every export of the corpus-like configs fits the v3 API subset', () => {
  const configs = [
    pool('round-robin'),
    pool('consistent-hash'),
    pool('power-of-two'),
    `clientToken: \${env:T}\ntls: { cert: c.pem, key: k.pem }\n${pool('least-connections').replace('weight: 2 }', 'weight: 2, apiKey: "${env:K}" }')}`,
    `pools:\n  - name: tls\n    replicas: [{ url: "https://gpu.example.com" }]\n`,
  ];
  for (const yaml of configs) {
    const { doc } = envoy(yaml);
    assert.deepEqual(checkEnvoyShape(doc), [], yaml);
  }
});

test('Envoy: cluster policy, outlier detection, health checks, endpoints', () => {
  const policies: Record<string, [string, number | undefined]> = {
    'round-robin': ['ROUND_ROBIN', undefined],
    'least-connections': ['LEAST_REQUEST', 2],
    'power-of-two': ['LEAST_REQUEST', 2],
    'consistent-hash': ['RING_HASH', undefined],
    'prefix-aware': ['RING_HASH', undefined],
    'queue-aware': ['LEAST_REQUEST', 2],
  };
  for (const [algorithm, [policy, choices]] of Object.entries(policies)) {
    const cluster = envoy(pool(algorithm)).doc.static_resources.clusters[0]!;
    assert.equal(cluster.lb_policy, policy, algorithm);
    assert.equal((cluster.least_request_lb_config as { choice_count?: number } | undefined)?.choice_count, choices);
    if (policy === 'RING_HASH') {
      assert.deepEqual(cluster.common_lb_config, { consistent_hashing_lb_config: { hash_balance_factor: 150 } });
    }
  }
  const cluster = envoy(pool('round-robin')).doc.static_resources.clusters[0]!;
  assert.equal(cluster.name, 'pool_llama');
  assert.equal(cluster.connect_timeout, '3s');
  assert.deepEqual(cluster.outlier_detection, {
    consecutive_5xx: 4,
    consecutive_gateway_failure: 4,
    enforcing_consecutive_5xx: 100,
    enforcing_consecutive_gateway_failure: 100,
    interval: '6.666s',
    base_ejection_time: '20s',
    max_ejection_percent: 100,
  });
  assert.deepEqual(cluster.health_checks, [
    {
      timeout: '1.5s',
      interval: '7s',
      healthy_threshold: 4,
      unhealthy_threshold: 5,
      http_health_check: { path: '/ready' },
    },
  ]);
  const endpoints = (cluster.load_assignment as { endpoints: { lb_endpoints: unknown[] }[] }).endpoints[0]!
    .lb_endpoints;
  assert.deepEqual(endpoints[0], {
    endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 8000 } }, hostname: 'gpu-a' },
    load_balancing_weight: 2,
  });
  const noPassive = envoy(pool('round-robin').replace('maxFails: 4', 'maxFails: 0')).doc.static_resources.clusters[0]!;
  assert.equal(noPassive.outlier_detection, undefined);
});

test('Envoy: routes are streaming-safe and retry only before the response', () => {
  const { doc } = envoy(pool('consistent-hash'));
  const hcm = doc.static_resources.listeners[0]!.filter_chains[0]!.filters[0]!.typed_config;
  assert.equal(hcm.request_timeout, '0s');
  assert.equal(hcm.stream_idle_timeout, '2700s');
  const routes = routesOf(doc);
  assert.deepEqual(
    routes.map((r) => r.name),
    ['pool_llama_by_prefix', 'pool_llama_by_pool_header', 'default_pool'],
  );
  for (const route of routes) {
    const action = route.route as Record<string, unknown>;
    assert.equal(action.cluster, 'pool_llama');
    assert.equal(action.timeout, '0s');
    assert.equal(action.idle_timeout, '2700s');
    const retry = action.retry_policy as { retry_on: string; num_retries: number; retriable_status_codes: number[] };
    assert.equal(retry.num_retries, 3);
    assert.deepEqual(retry.retriable_status_codes, [502, 503, 504]);
    for (const condition of retry.retry_on.split(',')) assert.ok(ENVOY_RETRY_ON.has(condition), condition);
    assert.ok(!retry.retry_on.split(',').includes('5xx'), 'plain 5xx would also retry 500s');
    assert.deepEqual(action.hash_policy, [
      { header: { header_name: 'x-session-id' }, terminal: true },
      { connection_properties: { source_ip: true } },
    ]);
  }
  assert.equal((routes[0]!.route as Record<string, unknown>).prefix_rewrite, '/');
  const noRetries = routesOf(envoy(pool('round-robin').replace('retries: 3', 'retries: 0')).doc);
  assert.equal((noRetries[0]!.route as Record<string, unknown>).retry_policy, undefined);
});

test('Envoy: the client token route comes first and catches a missing header; keys stay references', () => {
  const yaml = `clientToken: \${env:TEAM}\n${pool('round-robin').replace('weight: 2 }', 'weight: 2, apiKey: "${env:K}" }').replace('name: gpu-b }', 'name: gpu-b, apiKey: "${env:K}" }')}`;
  const { doc, text } = envoy(yaml);
  const routes = routesOf(doc);
  assert.deepEqual(routes[0], {
    name: 'client_token_missing',
    match: {
      prefix: '/',
      headers: [
        {
          name: 'authorization',
          string_match: { exact: 'Bearer ${TEAM}' },
          invert_match: true,
          treat_missing_header_as_empty: true,
        },
      ],
    },
    direct_response: {
      status: 401,
      body: {
        inline_string:
          '{"error":{"message":"missing or wrong client token","type":"authentication_error","param":null,"code":401}}',
      },
    },
  });
  assert.deepEqual(routes[1]!.request_headers_to_add, [
    { header: { key: 'authorization', value: 'Bearer ${K}' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
  ]);
  assert.match(text, /envsubst '\$\{K\} \$\{TEAM\}'/);
});
