// Caddy export: a Caddyfile with one reverse_proxy snippet per pool (lb_policy, active and passive health,
// flush_interval -1 for SSE, long read timeouts) and one site that routes to them in a fixed order.

import { formatDuration } from '../config/units';
import type { AlgorithmId } from '../protocol';
import { headerComment, type TargetNotes } from './limitations';
import { type ExportPlan, MODEL_HEADER, type PlannedPool, POOL_HEADER, SESSION_HEADER } from './plan';

const ALGORITHMS: Record<AlgorithmId, string> = {
  'round-robin': '`lb_policy round_robin` (unweighted: see weights below).',
  'least-connections': '`lb_policy least_conn` (unweighted; random tie-break, as in the sidecar).',
  'least-response-time': '`lb_policy least_conn`; Caddy balances on requests in flight, not on time to first token.',
  'consistent-hash': `\`lb_policy header ${SESSION_HEADER}\` (hash of the header; without it a random replica, no bounded load).`,
  'power-of-two': '`lb_policy random_choose 2`: two random replicas, the one with fewer requests.',
  'prefix-aware':
    `no prompt-prefix index in Caddy; nearest is \`lb_policy header ${SESSION_HEADER}\`, which keeps a conversation` +
    ' on the replica holding its prefix cache, without yielding under load.',
  'queue-aware': '`lb_policy least_conn`; Caddy cannot read vLLM /metrics.',
};

function notes(plan: ExportPlan): TargetNotes {
  const extra = [
    'Retries: `lb_try_duration` retries on another replica when the connection to a replica fails, and' +
      ' `lb_retry_match` lets a POST whose round trip failed before any answer be retried too. Caddy does not retry' +
      ' a 502/503/504 answer; those count as passive failures (`unhealthy_status 5xx`).',
    'Caddy 2.6 (Debian 12) loses the request body on a retry (a Caddy bug: the retry fails with "ContentLength=N' +
      ' with Body length 0"), so there a POST that meets a replica that just died fails' +
      ' with 502 after `lb_try_duration`; the active check (within `health_interval`) then takes the replica out.',
    'Passive ejection: `max_fails` failures within `fail_duration` take a replica out until they age out of the' +
      ' window (the sidecar: out for failTimeout, then probed).',
    'Active checks: `health_uri`, `health_interval`, `health_timeout`; rise/fall need Caddy 2.7+' +
      ' (`health_passes`, `health_fails`), so one result flips the state here.',
  ];
  if (plan.pools.some((p) => p.servers.some((s) => s.weight !== p.servers[0]!.weight))) {
    extra.push(
      'Weights are not exported: Caddy 2.6 (Debian 12) has no weighted policy. With Caddy 2.7+ use' +
        ' `lb_policy weighted_round_robin <w1> <w2> ...`.',
    );
  }
  return { name: 'Caddy', algorithms: ALGORITHMS, extra };
}

export function exportCaddy(plan: ExportPlan): string {
  const intro = [
    'A complete Caddyfile: check it with `caddy validate --config FILE --adapter caddyfile`.',
    '{$NAME} is replaced by the environment variable NAME when Caddy reads the file.',
  ];
  if (!plan.config.tls) {
    intro.push('For automatic HTTPS, replace the site address by your domain name and drop `auto_https off`.');
  }
  const out = [headerComment(plan, notes(plan), intro).trimEnd(), ...globalOptions(plan), ''];
  for (const planned of plan.pools) out.push(...poolSnippet(planned), '');
  out.push(...site(plan));
  // Caddy's own format (`caddy fmt`): tabs for indentation.
  const body = out
    .join('\n')
    .replace(/^((?: {4})+)/gm, (spaces) => '\t'.repeat(spaces.length / 4))
    .replace(/(\S) {2}# /g, '$1 # ');
  return `${body}\n`;
}

function globalOptions(plan: ExportPlan): string[] {
  const lines = ['{', '    # No admin endpoint: restart Caddy to apply a new export.', '    admin off'];
  if (!plan.config.tls) lines.push('    auto_https off');
  lines.push('}');
  return lines;
}

function poolSnippet(planned: PlannedPool): string[] {
  const { pool } = planned;
  const hc = pool.healthCheck;
  const upstreams = planned.servers.map((s) => `${planned.scheme}://${s.hostForAddress}:${s.port}`).join(' ');
  const lines = [
    `# Pool "${pool.name}": ${pool.algorithm}; replicas ${planned.servers.map((s) => s.name).join(', ')}.`,
    `(${planned.id}) {`,
    `    reverse_proxy ${upstreams} {`,
    `        lb_policy ${policy(pool.algorithm)}`,
  ];
  if (pool.retries > 0) {
    const tryFor = pool.timeouts.connect * (pool.retries + 1);
    lines.push(
      `        lb_try_duration ${formatDuration(tryFor)}  # retries: ${pool.retries}`,
      '        lb_try_interval 250ms',
      '        # Keep the request body (at most request_body max_size) so that a retry can send it again (Caddy 2.6',
      '        # loses it: see the notes at the top); Caddy 2.7+ calls this `request_buffers <size>`.',
      '        buffer_requests',
      '        # Also retry a POST whose round trip failed before any answer (a reused connection to a replica that',
      '        # just died), as the sidecar does; Caddy never retries once the response has started.',
      '        lb_retry_match {',
      '            method POST',
      '        }',
    );
  }
  if (pool.maxFails > 0) {
    lines.push(
      `        fail_duration ${formatDuration(pool.failTimeout)}  # failTimeout`,
      `        max_fails ${pool.maxFails}  # maxFails`,
      '        unhealthy_status 5xx',
    );
  }
  if (hc.enabled) {
    lines.push(
      `        health_uri ${hc.path}`,
      `        health_interval ${formatDuration(hc.interval)}`,
      `        health_timeout ${formatDuration(hc.timeout)}`,
      '        health_status 200',
    );
    if (planned.key.kind !== 'none') {
      lines.push(
        '        health_headers {',
        `            Authorization "Bearer {$${planned.key.variable}}"`,
        '        }',
      );
    }
  }
  if (planned.key.kind !== 'none') {
    lines.push(`        header_up Authorization "Bearer {$${planned.key.variable}}"  # the replicas' apiKey`);
  }
  lines.push(
    '        # Streaming: every SSE event is flushed at once.',
    '        flush_interval -1',
    '        transport http {',
    `            dial_timeout ${formatDuration(pool.timeouts.connect)}  # timeouts.connect`,
    `            response_header_timeout ${formatDuration(pool.timeouts.firstByte)}  # timeouts.firstByte`,
    `            read_timeout ${formatDuration(pool.timeouts.idle)}  # timeouts.idle: longest silence in a stream`,
    '            keepalive 2m',
    '            compression off',
  );
  if (planned.scheme === 'https') lines.push(`            tls_server_name ${planned.servers[0]!.host}`);
  lines.push('        }', '    }', '}');
  return lines;
}

function policy(algorithm: AlgorithmId): string {
  switch (algorithm) {
    case 'round-robin':
      return 'round_robin';
    case 'consistent-hash':
    case 'prefix-aware':
      return `header ${SESSION_HEADER}`;
    case 'power-of-two':
      return 'random_choose 2';
    default:
      return 'least_conn';
  }
}

function site(plan: ExportPlan): string[] {
  const { config } = plan;
  const host = plan.listen.host.includes(':') ? `[${plan.listen.host}]` : plan.listen.host;
  const lines = [`${config.tls ? 'https' : 'http'}://${host}:${plan.listen.port} {`, `    bind ${plan.listen.host}`];
  if (config.tls) lines.push(`    tls ${config.tls.cert} ${config.tls.key}`);
  lines.push(
    '    request_body {',
    `        max_size ${config.limits.maxBodyBytes}  # limits.maxBodyBytes`,
    '    }',
    '',
  );
  for (const planned of plan.pools) {
    lines.push(`    @${planned.id}_by_pool header ${POOL_HEADER} ${planned.pool.name}`);
    for (const [index, model] of (planned.pool.models ?? []).entries()) {
      lines.push(`    @${planned.id}_by_model_${index} header ${MODEL_HEADER} ${quote(model)}`);
    }
  }
  if (plan.clientTokenVariable) {
    lines.push(`    @vllm_pools_unauthorized not header Authorization "Bearer {$${plan.clientTokenVariable}}"`);
  }
  lines.push(
    '',
    '    # `route` keeps this order: client token, then /pools/<pool>/ prefixes (stripped), then the',
    `    # ${POOL_HEADER} and ${MODEL_HEADER} headers, then the default pool.`,
    '    route {',
  );
  if (plan.clientTokenVariable) {
    lines.push(
      '        respond @vllm_pools_unauthorized `{"error":{"message":"missing or wrong client token","type":"authentication_error","param":null,"code":401}}` 401',
    );
  }
  for (const planned of plan.pools) {
    lines.push(`        handle_path ${planned.prefix}* {`, `            import ${planned.id}`, '        }');
  }
  for (const planned of plan.pools) {
    const matchers = [
      `${planned.id}_by_pool`,
      ...(planned.pool.models ?? []).map((_, index) => `${planned.id}_by_model_${index}`),
    ];
    for (const matcher of matchers) {
      lines.push(`        handle @${matcher} {`, `            import ${planned.id}`, '        }');
    }
  }
  lines.push('        handle {', `            import ${plan.defaultPool.id}`, '        }', '    }', '}');
  return lines;
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}
