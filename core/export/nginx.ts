// nginx (open source) export: a conf.d snippet for the http {} context with one upstream per pool and one
// server {} that is safe for streamed completions. nginx OSS has no active health checks: passive only.

import { formatDuration } from '../config/units';
import type { AlgorithmId } from '../protocol';
import { headerComment, type TargetNotes } from './limitations';
import { type ExportPlan, MODEL_HEADER, type PlannedPool, POOL_HEADER, SESSION_HEADER, usesSessionHash } from './plan';

const ALGORITHMS: Record<AlgorithmId, string> = {
  'round-robin': 'nginx round robin (the default) is smooth weighted round robin, as in the sidecar.',
  'least-connections': '`least_conn` (weighted; ties go round robin, not at random).',
  'least-response-time':
    '`least_conn`; `least_time` (time to first byte) exists only in NGINX Plus, and nginx cannot see SSE tokens.',
  'consistent-hash': '`hash $vllm_pools_session_key consistent` (ketama ring; no bounded load).',
  'power-of-two': '`random two least_conn` (two random servers, the one with fewer connections).',
  'prefix-aware':
    'no prompt-prefix index in nginx; nearest is `hash $vllm_pools_session_key consistent`, which keeps a' +
    ' conversation (same x-session-id) on the replica that holds its prefix cache, without yielding under load.',
  'queue-aware':
    '`least_conn`; nginx cannot read vLLM /metrics (num_requests_waiting, KV cache usage) to weigh replicas.',
};

function notes(plan: ExportPlan): TargetNotes {
  const extra = [
    'Active health checks (`health_check`) are NGINX Plus only: replicas are ejected passively, `max_fails`' +
      ' failed attempts within `fail_timeout`, then left out for `fail_timeout` (the same rule as the sidecar).' +
      ' A replica that is down but never tried is not noticed until a request fails over it.',
    'timeouts.firstByte has no separate directive: `proxy_read_timeout` (from timeouts.idle) bounds both the wait' +
      ' for the response head and each silence inside a stream.',
    'Retries (`proxy_next_upstream ... non_idempotent`) happen only before anything was sent to the client,' +
      ' as in the sidecar; POST is retried because `non_idempotent` is set.',
  ];
  if (plan.pools.some((p) => p.key.kind !== 'none') || plan.clientTokenVariable) {
    extra.push(
      'nginx does not read environment variables in its configuration: render this file with envsubst first' +
        ' (command below), or write the key into a root-only include file.',
    );
  }
  return { name: 'nginx', algorithms: ALGORITHMS, extra };
}

export function exportNginx(plan: ExportPlan): string {
  const variables = referencedVariables(plan);
  const intro = [
    'Put this file inside the http {} context, e.g. /etc/nginx/conf.d/vllm-pools.conf, then `nginx -t && nginx -s reload`.',
  ];
  if (variables.length > 0) {
    const list = variables.map((v) => `\${${v}}`).join(' ');
    intro.push(`It references ${variables.join(', ')}: render it with`);
    intro.push(`  envsubst '${list}' < vllm-pools.nginx.template > /etc/nginx/conf.d/vllm-pools.conf`);
  }
  const out: string[] = [headerComment(plan, notes(plan), intro)];

  if (plan.pools.some((p) => usesSessionHash(p.pool.algorithm))) {
    out.push(
      `# Affinity key: the ${SESSION_HEADER} header, else the client address.`,
      'map $http_x_session_id $vllm_pools_session_key {',
      '    ""       $remote_addr;',
      '    default  $http_x_session_id;',
      '}',
      '',
    );
  }

  out.push(
    `# Pool selection without reading the body: header ${POOL_HEADER} (a pool name), else ${MODEL_HEADER} (a model id),`,
    `# else the default pool. Each pool also has its own base URL, http://HOST:PORT/pools/<pool>/v1.`,
    'map $http_x_model $vllm_pools_by_model {',
    `    default  ${plan.defaultPool.pool.name};`,
  );
  for (const planned of plan.pools) {
    for (const model of planned.pool.models ?? []) out.push(`    ${quote(model)}  ${planned.pool.name};`);
  }
  out.push('}', 'map $http_x_vllm_pools_pool $vllm_pools_pool {', '    default  $vllm_pools_by_model;');
  for (const planned of plan.pools) out.push(`    ${quote(planned.pool.name)}  ${planned.pool.name};`);
  out.push('}', '');

  if (plan.clientTokenVariable) {
    out.push(
      '# Client token: /v1 calls must send Authorization: Bearer <token>, as with the sidecar in gateway mode.',
      'map $http_authorization $vllm_pools_client_ok {',
      '    default  0;',
      `    "Bearer \${${plan.clientTokenVariable}}"  1;`,
      '}',
      '',
    );
  }

  for (const planned of plan.pools) out.push(...upstream(planned), '');
  out.push(...server(plan));
  return `${out.join('\n')}\n`;
}

function upstream(planned: PlannedPool): string[] {
  const { pool } = planned;
  const passive =
    pool.maxFails > 0 ? `${pool.maxFails} failed attempts in ${formatDuration(pool.failTimeout)}` : 'off (maxFails: 0)';
  const lines = [`# Pool "${pool.name}": ${pool.algorithm}; passive ejection: ${passive}.`];
  lines.push(`upstream ${planned.id} {`);
  const balance = balanceDirective(pool.algorithm);
  if (balance) lines.push(`    ${balance};`);
  for (const server of planned.servers) {
    const params = [
      `weight=${server.weight}`,
      `max_fails=${pool.maxFails}`,
      `fail_timeout=${formatDuration(pool.failTimeout)}`,
    ];
    lines.push(`    server ${server.hostForAddress}:${server.port} ${params.join(' ')};  # ${server.name}`);
  }
  lines.push(
    '    # Idle keep-alive connections to the replicas, per worker (needs proxy_http_version 1.1 and Connection "").',
    '    keepalive 32;',
    '    keepalive_timeout 60s;',
    '}',
  );
  return lines;
}

function balanceDirective(algorithm: AlgorithmId): string | undefined {
  switch (algorithm) {
    case 'round-robin':
      return undefined;
    case 'consistent-hash':
    case 'prefix-aware':
      return 'hash $vllm_pools_session_key consistent';
    case 'power-of-two':
      return 'random two least_conn';
    default:
      return 'least_conn';
  }
}

function server(plan: ExportPlan): string[] {
  const { config } = plan;
  const listen = `${plan.listen.host.includes(':') ? `[${plan.listen.host}]` : plan.listen.host}:${plan.listen.port}`;
  const lines = ['server {'];
  if (config.tls) {
    lines.push(
      `    listen ${listen} ssl;`,
      `    ssl_certificate     ${config.tls.cert};`,
      `    ssl_certificate_key ${config.tls.key};`,
    );
  } else {
    lines.push(`    listen ${listen};`);
  }
  lines.push(
    `    client_max_body_size ${config.limits.maxBodyBytes};  # limits.maxBodyBytes`,
    '    gzip off;  # compression would hold SSE events back',
    '    default_type application/json;  # for the errors nginx makes itself',
    '',
  );
  if (plan.clientTokenVariable) {
    lines.push(
      '    if ($vllm_pools_client_ok = 0) {',
      '        return 401 \'{"error":{"message":"missing or wrong client token","type":"authentication_error","param":null,"code":401}}\';',
      '    }',
      '',
    );
  }
  lines.push(
    '    # Requests without a /pools/<pool>/ prefix: choose the pool from the headers, then route to its location.',
    '    location / {',
    '        rewrite ^ /pools/$vllm_pools_pool$uri last;',
    '    }',
  );
  for (const planned of plan.pools) lines.push('', ...poolLocation(planned));
  lines.push('}');
  return lines;
}

function poolLocation(planned: PlannedPool): string[] {
  const { pool } = planned;
  const idle = formatDuration(pool.timeouts.idle);
  const lines = [
    `    location ${planned.prefix} {`,
    '        # Streaming-safe: HTTP/1.1 keep-alive upstream, no buffering either way, every SSE event flushed at once.',
    '        proxy_http_version 1.1;',
    '        proxy_set_header Connection "";',
    '        proxy_buffering off;',
    '        proxy_request_buffering off;',
    '        proxy_cache off;',
    `        proxy_connect_timeout ${formatDuration(pool.timeouts.connect)};  # timeouts.connect`,
    `        proxy_read_timeout ${idle};  # timeouts.idle: longest silence, also the wait for the head`,
    `        proxy_send_timeout ${idle};`,
    '        # Another replica only while nothing has reached the client; POST included (non_idempotent).',
    '        proxy_next_upstream error timeout http_502 http_503 http_504 non_idempotent;',
    `        proxy_next_upstream_tries ${pool.retries + 1};  # retries + 1`,
  ];
  if (planned.key.kind !== 'none') {
    lines.push(`        proxy_set_header Authorization "Bearer \${${planned.key.variable}}";  # the replicas' apiKey`);
  }
  if (planned.scheme === 'https') {
    lines.push(
      '        proxy_ssl_server_name on;',
      `        proxy_ssl_name ${planned.servers[0]!.host};`,
      '        proxy_ssl_verify on;',
      '        proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;',
    );
  }
  lines.push(`        proxy_pass ${planned.scheme}://${planned.id}/;  # strips ${planned.prefix}`, '    }');
  return lines;
}

function quote(text: string): string {
  return `"${text.replace(/["\\$]/g, '\\$&')}"`;
}

function referencedVariables(plan: ExportPlan): string[] {
  const names = plan.pools.flatMap((p) => (p.key.kind === 'none' ? [] : [p.key.variable]));
  if (plan.clientTokenVariable) names.push(plan.clientTokenVariable);
  return [...new Set(names)];
}
