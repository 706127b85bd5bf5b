// HAProxy export: a complete haproxy.cfg with one frontend and one backend per pool: active checks (inter/rise/fall),
// passive marking (observe layer7), L7 retries before the response, streaming-safe timeouts.

import { formatDuration } from '../config/units';
import type { AlgorithmId } from '../protocol';
import { headerComment, type TargetNotes } from './limitations';
import { type ExportPlan, MODEL_HEADER, type PlannedPool, POOL_HEADER, SESSION_HEADER } from './plan';

const MAX_HAPROXY_WEIGHT = 256;

const ALGORITHMS: Record<AlgorithmId, string> = {
  'round-robin': '`balance roundrobin` (weighted).',
  'least-connections': '`balance leastconn` (weighted; an SSE stream holds its connection until the last byte).',
  'least-response-time': '`balance leastconn`; HAProxy balances on connections, not on time to first token.',
  'consistent-hash': `\`balance hdr(${SESSION_HEADER})\` with \`hash-type consistent\` and \`hash-balance-factor 150\` (bounded load, as in the sidecar).`,
  'power-of-two': '`balance random(2)`: two random servers, the less loaded one.',
  'prefix-aware':
    `no prompt-prefix index in HAProxy; nearest is \`balance hdr(${SESSION_HEADER})\` with \`hash-type consistent\`` +
    ' and `hash-balance-factor 150`: a conversation stays on the replica holding its prefix cache unless it is' +
    ' 50% above average load.',
  'queue-aware':
    '`balance leastconn`; HAProxy cannot read vLLM /metrics. An `agent-check` that turns vllm:num_requests_waiting' +
    ' into a weight would be the hook for it.',
};

function notes(plan: ExportPlan): TargetNotes {
  const extra = [
    'Passive ejection differs: `observe layer7` + `error-limit <maxFails>` + `on-error mark-down` marks a server' +
      ' down after maxFails consecutive errors (not within failTimeout), and active checks (`rise`) bring it back' +
      ' (not after failTimeout). Pools with health checks disabled get no passive marking (HAProxy would never' +
      ' bring the server back).',
    'timeouts.firstByte has no separate setting: `timeout server` (from timeouts.idle) bounds the wait for the' +
      ' head and each silence inside a stream.',
    '`retry-on` retries on another server (`option redispatch 1`) only before the response starts, as in the' +
      ' sidecar; HAProxy keeps a copy of the request for that, so a body larger than `tune.bufsize` is not' +
      ' retried on 502/503/504 (connection failures still are).',
  ];
  if (plan.pools.some((p) => p.servers.some((s) => s.weight > MAX_HAPROXY_WEIGHT))) {
    extra.push(`Weights above ${MAX_HAPROXY_WEIGHT} are capped at ${MAX_HAPROXY_WEIGHT} (HAProxy's maximum).`);
  }
  return { name: 'HAProxy', algorithms: ALGORITHMS, extra };
}

export function exportHaproxy(plan: ExportPlan): string {
  const intro = [
    'A complete haproxy.cfg: check it with `haproxy -c -f FILE`. Environment variables in "${NAME}" are expanded' +
      ' by HAProxy when it loads the file (set them in the service environment).',
  ];
  if (plan.config.tls) {
    intro.push('TLS: HAProxy reads the key from the certificate PEM, or from <cert>.key next to it.');
  }
  const out = [headerComment(plan, notes(plan), intro), ...globalAndDefaults(plan), '', ...frontend(plan)];
  for (const planned of plan.pools) out.push('', ...backend(planned));
  return `${out.join('\n')}\n`;
}

function globalAndDefaults(plan: ExportPlan): string[] {
  return [
    'global',
    '    log stdout format raw local0 info',
    '    maxconn 4096',
    '    # Room for the copy of a request that L7 retries keep (a chat prompt with history can be long).',
    '    tune.bufsize 262144',
    '',
    'defaults',
    '    mode http',
    '    log global',
    '    option httplog',
    '    option http-keep-alive',
    '    # Bodies stream to the replica as they arrive: `option http-buffer-request` stays off.',
    '    no option http-buffer-request',
    '    # Each SSE event leaves at once: without this HAProxy sends with MSG_MORE and a small event can wait ~100 ms.',
    '    option http-no-delay',
    '    timeout http-request 60s',
    '    timeout http-keep-alive 60s',
    '    timeout queue 30s',
    `    timeout client ${formatDuration(Math.max(...plan.pools.map((p) => p.pool.timeouts.idle)))}  # a client may read a stream slowly`,
    `    timeout connect ${formatDuration(plan.defaultPool.pool.timeouts.connect)}`,
    `    timeout server ${formatDuration(plan.defaultPool.pool.timeouts.idle)}`,
  ];
}

function frontend(plan: ExportPlan): string[] {
  const { config } = plan;
  const host = plan.listen.host.includes(':') ? `[${plan.listen.host}]` : plan.listen.host;
  const bind = `    bind ${host}:${plan.listen.port}${config.tls ? ` ssl crt ${config.tls.cert}` : ''}`;
  const lines = [
    'frontend vllm_pools',
    bind,
    `    # limits.maxBodyBytes (a chunked body without Content-Length is not measured)`,
    `    http-request deny deny_status 413 if { req.hdr_val(content-length) gt ${config.limits.maxBodyBytes} }`,
  ];
  if (plan.clientTokenVariable) {
    lines.push(
      '    # Client token, as with the sidecar in gateway mode.',
      `    http-request return status 401 content-type application/json string '{"error":{"message":"missing or wrong client token","type":"authentication_error","param":null,"code":401}}' unless { req.hdr(authorization) -m str "Bearer \${${plan.clientTokenVariable}}" }`,
    );
  }
  lines.push(
    `    # Pool selection without reading the body: ${MODEL_HEADER} (a model id), then ${POOL_HEADER} (a pool name),`,
    '    # then the path prefix /pools/<pool>/ (stripped), later rules winning; else the default backend.',
  );
  for (const planned of plan.pools) {
    for (const model of planned.pool.models ?? []) {
      lines.push(
        `    http-request set-var(txn.pool) str(${planned.pool.name}) if { req.hdr(${MODEL_HEADER}) -m str ${quote(model)} }`,
      );
    }
  }
  for (const planned of plan.pools) {
    lines.push(
      `    http-request set-var(txn.pool) str(${planned.pool.name}) if { req.hdr(${POOL_HEADER}) -m str ${planned.pool.name} }`,
    );
  }
  for (const planned of plan.pools) {
    const prefix = planned.prefix;
    lines.push(
      `    http-request set-var(txn.pool) str(${planned.pool.name}) if { path_beg ${prefix} }`,
      `    http-request set-path %[path,bytes(${prefix.length - 1})] if { path_beg ${prefix} }`,
    );
  }
  for (const planned of plan.pools) {
    lines.push(`    use_backend ${planned.id} if { var(txn.pool) -m str ${planned.pool.name} }`);
  }
  lines.push(`    default_backend ${plan.defaultPool.id}`);
  return lines;
}

function backend(planned: PlannedPool): string[] {
  const { pool } = planned;
  const hc = pool.healthCheck;
  const lines = [`# Pool "${pool.name}": ${pool.algorithm}`, `backend ${planned.id}`];
  lines.push(...balance(pool.algorithm));
  lines.push(
    `    timeout connect ${formatDuration(pool.timeouts.connect)}  # timeouts.connect`,
    `    timeout server ${formatDuration(pool.timeouts.idle)}  # timeouts.idle: longest silence, also the wait for the head`,
    `    # Retries on another replica, before the response starts only: connect errors, resets, 502/503/504.`,
    `    retries ${pool.retries}`,
    '    option redispatch 1',
    '    retry-on conn-failure empty-response response-timeout 502 503 504',
  );
  const keyHeader = planned.key.kind === 'none' ? undefined : `"Bearer \${${planned.key.variable}}"`;
  if (keyHeader) lines.push(`    http-request set-header Authorization ${keyHeader}  # the replicas' apiKey`);
  const serverOptions: string[] = [];
  if (hc.enabled) {
    lines.push(
      `    # Active checks: GET ${hc.path} every ${formatDuration(hc.interval)}, ${hc.rise} successes up, ${hc.fall} failures down.`,
      '    option httpchk',
      `    http-check send meth GET uri ${hc.path}${keyHeader ? ` hdr Authorization ${keyHeader}` : ''}`,
      '    http-check expect status 200',
      `    timeout check ${formatDuration(hc.timeout)}`,
    );
    serverOptions.push('check', `inter ${formatDuration(hc.interval)}`, `rise ${hc.rise}`, `fall ${hc.fall}`);
    if (pool.maxFails > 0) {
      lines.push(`    # Passive: ${pool.maxFails} consecutive errors (connect, timeout, 5xx) mark a server down.`);
      serverOptions.push('observe layer7', `error-limit ${pool.maxFails}`, 'on-error mark-down');
    }
  }
  if (serverOptions.length > 0) lines.push(`    default-server ${serverOptions.join(' ')}`);
  for (const server of planned.servers) {
    const options = [`weight ${Math.min(server.weight, MAX_HAPROXY_WEIGHT)}`];
    if (planned.scheme === 'https') {
      options.push('ssl verify required ca-file @system-ca', `sni str(${server.host})`);
      if (hc.enabled) options.push(`check-sni ${server.host}`);
    }
    lines.push(`    server ${serverName(server.name)} ${server.hostForAddress}:${server.port} ${options.join(' ')}`);
  }
  return lines;
}

function balance(algorithm: AlgorithmId): string[] {
  switch (algorithm) {
    case 'round-robin':
      return ['    balance roundrobin'];
    case 'consistent-hash':
    case 'prefix-aware':
      return [
        `    balance hdr(${SESSION_HEADER})  # without the header: round robin`,
        '    hash-type consistent',
        '    hash-balance-factor 150  # bounded load: no server above 150% of the average',
      ];
    case 'power-of-two':
      return ['    balance random(2)'];
    default:
      return ['    balance leastconn'];
  }
}

/** Server names may not contain spaces; host:port names keep their colon. */
function serverName(name: string): string {
  return name.replace(/[^A-Za-z0-9._:-]/g, '_');
}

function quote(text: string): string {
  return `"${text.replace(/["\\$]/g, '\\$&')}"`;
}
