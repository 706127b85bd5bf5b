// Envoy export: a static bootstrap (v3 API) with one listener, one route per pool selector and one cluster per
// pool (lb_policy, active health checks, outlier detection, retries before the response, streaming timeouts).
import { stringify } from 'yaml';
import type { AlgorithmId } from '../protocol';
import { headerComment, type TargetNotes } from './limitations';
import { type ExportPlan, MODEL_HEADER, type PlannedPool, POOL_HEADER, SESSION_HEADER, usesSessionHash } from './plan';

const ALGORITHMS: Record<AlgorithmId, string> = {
  'round-robin': '`ROUND_ROBIN` (weighted).',
  'least-connections':
    '`LEAST_REQUEST` with `choice_count` = number of replicas (Envoy samples that many at random and keeps the least' +
    ' loaded, close to a full least-connections scan).',
  'least-response-time': '`LEAST_REQUEST`; Envoy has no time-to-first-token balancer.',
  'consistent-hash': `\`RING_HASH\` on the ${SESSION_HEADER} header (else the client address), with \`hash_balance_factor: 150\` (bounded load).`,
  'power-of-two': '`LEAST_REQUEST` with `choice_count: 2` (power of two choices).',
  'prefix-aware':
    `no prompt-prefix index in plain Envoy; nearest is \`RING_HASH\` on ${SESSION_HEADER} with \`hash_balance_factor: 150\`.` +
    ' Prefix-aware routing in Envoy takes an external processor (ext_proc), as llm-d or the Gateway API Inference' +
    ' Extension do.',
  'queue-aware':
    '`LEAST_REQUEST`; reading vLLM /metrics takes an external endpoint picker (Gateway API Inference Extension).',
};

const NOTES: TargetNotes = {
  name: 'Envoy',
  algorithms: ALGORITHMS,
  extra: [
    'API keys and the client token: Envoy does not read environment variables in a static bootstrap. The values are' +
      ' written as ${NAME}: render the file with envsubst (command above), or move them to an SDS secret.',
    'The client token is checked by an exact header match on every route; anything else gets a 401 direct response.',
    'Passive ejection: outlier detection ejects a host after maxFails consecutive 5xx or gateway failures, for' +
      ' failTimeout (Envoy multiplies it by the number of ejections), checked every failTimeout/3 at least once a' +
      ' second; `max_ejection_percent: 100` so a whole pool can be ejected as in the sidecar.',
    "timeouts.firstByte is not exported: Envoy's per_try_timeout may cut a long stream, so the route has" +
      ' `timeout: 0s` and `idle_timeout` (from timeouts.idle) bounds each silence instead.',
    'limits.maxBodyBytes is not enforced: Envoy streams bodies, and a buffer filter would hold them.',
    'Not checked by a real Envoy here (Envoy is not packaged for Debian 12); the tests check the structure.',
  ],
};

/** Envoy's Duration strings: seconds with up to three decimals ("0.250s", "5s"). */
export function envoyDuration(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

export function exportEnvoy(plan: ExportPlan): string {
  const variables = referencedVariables(plan);
  const intro = ['A static bootstrap: `envoy -c FILE` (check it with `envoy --mode validate -c FILE`).'];
  if (variables.length > 0) {
    intro.push(`It references ${variables.join(', ')}: render it with`);
    intro.push(`  envsubst '${variables.map((v) => `\${${v}}`).join(' ')}' < vllm-pools.envoy.template > envoy.yaml`);
  }
  const bootstrap = {
    static_resources: {
      listeners: [listener(plan)],
      clusters: plan.pools.map(cluster),
    },
  };
  return `${headerComment(plan, NOTES, intro)}${stringify(bootstrap, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

function listener(plan: ExportPlan): unknown {
  const maxIdle = Math.max(...plan.pools.map((p) => p.pool.timeouts.idle));
  const chain: Record<string, unknown> = {
    filters: [
      {
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type':
            'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
          stat_prefix: 'vllm_pools',
          codec_type: 'AUTO',
          // Streams may last long: no whole-request timeout, silence bounded per stream.
          request_timeout: '0s',
          stream_idle_timeout: envoyDuration(maxIdle),
          common_http_protocol_options: { idle_timeout: '60s' },
          route_config: routeConfig(plan),
          http_filters: [
            {
              name: 'envoy.filters.http.router',
              typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' },
            },
          ],
        },
      },
    ],
  };
  if (plan.config.tls) {
    chain.transport_socket = {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
        common_tls_context: {
          tls_certificates: [
            {
              certificate_chain: { filename: plan.config.tls.cert },
              private_key: { filename: plan.config.tls.key },
            },
          ],
        },
      },
    };
  }
  return {
    name: 'vllm_pools',
    address: { socket_address: { address: plan.listen.host, port_value: plan.listen.port } },
    filter_chains: [chain],
  };
}

function routeConfig(plan: ExportPlan): unknown {
  const routes: unknown[] = [];
  if (plan.clientTokenVariable) {
    routes.push({
      name: 'client_token_missing',
      match: {
        prefix: '/',
        headers: [
          {
            name: 'authorization',
            string_match: { exact: `Bearer \${${plan.clientTokenVariable}}` },
            invert_match: true,
            // Without this an absent header never matches, inverted or not, and would skip the check.
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
  }
  for (const planned of plan.pools) {
    routes.push(poolRoute(planned, `${planned.id}_by_prefix`, { prefix: planned.prefix }, '/'));
  }
  for (const planned of plan.pools) {
    const byPool = { prefix: '/', headers: [{ name: POOL_HEADER, string_match: { exact: planned.pool.name } }] };
    routes.push(poolRoute(planned, `${planned.id}_by_pool_header`, byPool));
    for (const model of planned.pool.models ?? []) {
      const byModel = { prefix: '/', headers: [{ name: MODEL_HEADER, string_match: { exact: model } }] };
      routes.push(poolRoute(planned, `${planned.id}_by_model`, byModel));
    }
  }
  routes.push(poolRoute(plan.defaultPool, 'default_pool', { prefix: '/' }));
  return { name: 'vllm_pools', virtual_hosts: [{ name: 'vllm_pools', domains: ['*'], routes }] };
}

function routeAction(planned: PlannedPool): Record<string, unknown> {
  const { pool } = planned;
  const action: Record<string, unknown> = {
    cluster: planned.id,
    // A completion stream may run for minutes: no overall timeout, only the idle one.
    timeout: '0s',
    idle_timeout: envoyDuration(pool.timeouts.idle),
  };
  if (pool.retries > 0) {
    action.retry_policy = {
      // Envoy never retries once response headers went downstream: these fire before the response only.
      retry_on: 'connect-failure,refused-stream,reset,retriable-status-codes',
      retriable_status_codes: [502, 503, 504],
      num_retries: pool.retries,
      retry_host_predicate: [
        {
          name: 'envoy.retry_host_predicates.previous_hosts',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
          },
        },
      ],
      host_selection_retry_max_attempts: 5,
    };
  }
  if (usesSessionHash(pool.algorithm)) {
    action.hash_policy = [
      { header: { header_name: SESSION_HEADER }, terminal: true },
      { connection_properties: { source_ip: true } },
    ];
  }
  return action;
}

/** A route to a pool; the pool's API key, when it has one, replaces the client's Authorization. */
function poolRoute(planned: PlannedPool, name: string, match: unknown, rewrite?: string): unknown {
  const route: Record<string, unknown> = { name, match, route: routeAction(planned) };
  if (rewrite !== undefined) (route.route as Record<string, unknown>).prefix_rewrite = rewrite;
  if (planned.key.kind !== 'none') route.request_headers_to_add = [authorizationHeader(planned.key.variable)];
  return route;
}

function cluster(planned: PlannedPool): unknown {
  const { pool } = planned;
  const hc = pool.healthCheck;
  const lbPolicy = clusterPolicy(pool.algorithm);
  const result: Record<string, unknown> = {
    name: planned.id,
    type: planned.servers.every((s) => /^[\d.:]+$/.test(s.host)) ? 'STATIC' : 'STRICT_DNS',
    connect_timeout: envoyDuration(pool.timeouts.connect),
    lb_policy: lbPolicy,
  };
  if (pool.algorithm === 'power-of-two') result.least_request_lb_config = { choice_count: 2 };
  if (
    pool.algorithm === 'least-connections' ||
    pool.algorithm === 'least-response-time' ||
    pool.algorithm === 'queue-aware'
  ) {
    result.least_request_lb_config = { choice_count: Math.max(2, planned.servers.length) };
  }
  if (lbPolicy === 'RING_HASH') {
    result.ring_hash_lb_config = { minimum_ring_size: 1024 };
    result.common_lb_config = { consistent_hashing_lb_config: { hash_balance_factor: 150 } };
  }
  result.typed_extension_protocol_options = {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
      common_http_protocol_options: { idle_timeout: '60s' },
      explicit_http_config: { http_protocol_options: {} },
    },
  };
  result.load_assignment = {
    cluster_name: planned.id,
    endpoints: [
      {
        lb_endpoints: planned.servers.map((server) => ({
          endpoint: {
            address: { socket_address: { address: server.host, port_value: server.port } },
            hostname: server.name,
          },
          load_balancing_weight: server.weight,
        })),
      },
    ],
  };
  if (hc.enabled) {
    const check: Record<string, unknown> = { path: hc.path };
    if (planned.key.kind !== 'none') {
      check.request_headers_to_add = [authorizationHeader(planned.key.variable)];
    }
    result.health_checks = [
      {
        timeout: envoyDuration(hc.timeout),
        interval: envoyDuration(hc.interval),
        healthy_threshold: hc.rise,
        unhealthy_threshold: hc.fall,
        http_health_check: check,
      },
    ];
  }
  if (pool.maxFails > 0) {
    result.outlier_detection = {
      consecutive_5xx: pool.maxFails,
      consecutive_gateway_failure: pool.maxFails,
      enforcing_consecutive_5xx: 100,
      enforcing_consecutive_gateway_failure: 100,
      interval: envoyDuration(Math.max(1000, Math.floor(pool.failTimeout / 3))),
      base_ejection_time: envoyDuration(pool.failTimeout),
      max_ejection_percent: 100,
    };
  }
  if (planned.scheme === 'https') {
    result.transport_socket = {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        sni: planned.servers[0]!.host,
        common_tls_context: {
          validation_context: { trusted_ca: { filename: '/etc/ssl/certs/ca-certificates.crt' } },
        },
      },
    };
  }
  return result;
}

function clusterPolicy(algorithm: AlgorithmId): 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RING_HASH' {
  if (algorithm === 'round-robin') return 'ROUND_ROBIN';
  if (usesSessionHash(algorithm)) return 'RING_HASH';
  return 'LEAST_REQUEST';
}

function authorizationHeader(variable: string): unknown {
  return {
    header: { key: 'authorization', value: `Bearer \${${variable}}` },
    append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
  };
}

function referencedVariables(plan: ExportPlan): string[] {
  const names = plan.pools.flatMap((p) => (p.key.kind === 'none' ? [] : [p.key.variable]));
  if (plan.clientTokenVariable) names.push(plan.clientTokenVariable);
  return [...new Set(names)];
}
