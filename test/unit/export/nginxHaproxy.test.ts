import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pool, render, withoutComments } from './helpers';

function upstreamBlock(text: string): string {
  const start = text.indexOf('upstream pool_llama {');
  return text.slice(start, text.indexOf('}', start) + 1);
}

test('nginx: each algorithm maps to its upstream directive', () => {
  const cases: Record<string, RegExp | null> = {
    'round-robin': null,
    'least-connections': /^\s+least_conn;$/m,
    'least-response-time': /^\s+least_conn;$/m,
    'queue-aware': /^\s+least_conn;$/m,
    'consistent-hash': /^\s+hash \$vllm_pools_session_key consistent;$/m,
    'prefix-aware': /^\s+hash \$vllm_pools_session_key consistent;$/m,
    'power-of-two': /^\s+random two least_conn;$/m,
  };
  for (const [algorithm, directive] of Object.entries(cases)) {
    const block = upstreamBlock(render('nginx', pool(algorithm)));
    if (directive) assert.match(block, directive, algorithm);
    else assert.doesNotMatch(block, /least_conn|hash |random /, algorithm);
  }
  assert.match(render('nginx', pool('consistent-hash')), /map \$http_x_session_id \$vllm_pools_session_key/);
});

test('nginx: servers, passive ejection, keep-alive, streaming-safe proxying, retries', () => {
  const text = render('nginx', pool('least-connections'));
  assert.match(text, /server 10\.0\.0\.1:8000 weight=2 max_fails=4 fail_timeout=20s;\s+# gpu-a/);
  assert.match(text, /server 10\.0\.0\.2:8000 weight=1 max_fails=4 fail_timeout=20s;\s+# gpu-b/);
  assert.match(text, /keepalive 32;/);
  for (const line of [
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
    'proxy_buffering off;',
    'proxy_request_buffering off;',
    'proxy_connect_timeout 3s;',
    'proxy_read_timeout 45m;',
    'proxy_next_upstream error timeout http_502 http_503 http_504 non_idempotent;',
    'proxy_next_upstream_tries 4;',
    'proxy_pass http://pool_llama/;',
    'listen 127.0.0.1:8800;',
  ]) {
    assert.ok(text.includes(line), `missing: ${line}`);
  }
  assert.match(text, /location \/pools\/llama\/ \{/);
  assert.match(text, /rewrite \^ \/pools\/\$vllm_pools_pool\$uri last;/);
  assert.match(text, /^# - Active health checks \(`health_check`\) are NGINX Plus only/m);
});

test('HAProxy: each algorithm maps to its balance line', () => {
  const cases: Record<string, string> = {
    'round-robin': 'balance roundrobin',
    'least-connections': 'balance leastconn',
    'least-response-time': 'balance leastconn',
    'queue-aware': 'balance leastconn',
    'consistent-hash': 'balance hdr(x-session-id)',
    'prefix-aware': 'balance hdr(x-session-id)',
    'power-of-two': 'balance random(2)',
  };
  for (const [algorithm, line] of Object.entries(cases)) {
    const text = render('haproxy', pool(algorithm));
    assert.ok(text.includes(`    ${line}`), `${algorithm}: ${line}`);
    const hashed = line.includes('hdr(');
    assert.equal(text.includes('hash-type consistent'), hashed, algorithm);
    assert.equal(text.includes('hash-balance-factor 150'), hashed, algorithm);
  }
});

test('HAProxy: active checks, passive marking, retries, timeouts, weights', () => {
  const text = render('haproxy', pool('round-robin'));
  for (const line of [
    'option httpchk',
    'http-check send meth GET uri /ready',
    'http-check expect status 200',
    'timeout check 1500ms',
    'default-server check inter 7s rise 4 fall 5 observe layer7 error-limit 4 on-error mark-down',
    'retries 3',
    'option redispatch 1',
    'retry-on conn-failure empty-response response-timeout 502 503 504',
    'timeout connect 3s',
    'timeout server 45m',
    'server gpu-a 10.0.0.1:8000 weight 2',
    'server gpu-b 10.0.0.2:8000 weight 1',
    'bind 127.0.0.1:8800',
    'no option http-buffer-request',
    'default_backend pool_llama',
  ]) {
    assert.ok(text.includes(line), `missing: ${line}`);
  }
  const noChecks = withoutComments(
    render(
      'haproxy',
      pool('round-robin').replace('healthCheck: { path: /ready,', 'healthCheck: { enabled: false, path: /ready,'),
    ),
  );
  assert.ok(!noChecks.includes('observe layer7'), 'passive marking without checks would never recover');
  assert.ok(!noChecks.includes('option httpchk'));
  const heavy = render('haproxy', pool('round-robin').replace('weight: 2', 'weight: 900'));
  assert.ok(heavy.includes('server gpu-a 10.0.0.1:8000 weight 256'));
  assert.match(heavy, /Weights above 256 are capped/);
});

test('nginx and HAProxy: API keys and the client token stay references', () => {
  const yaml = `clientToken: \${env:TEAM_TOKEN}
${pool('round-robin').replace('name: gpu-b }', 'name: gpu-b, apiKey: "${secret:gpu}" }').replace('weight: 2 }', 'weight: 2, apiKey: "${secret:gpu}" }')}`;
  const nginx = render('nginx', yaml);
  assert.ok(nginx.includes('proxy_set_header Authorization "Bearer ${VLLM_POOLS_SECRET_GPU}";'));
  assert.ok(nginx.includes('"Bearer ${TEAM_TOKEN}"  1;'));
  assert.match(nginx, /envsubst '\$\{VLLM_POOLS_SECRET_GPU\} \$\{TEAM_TOKEN\}'/);
  const haproxy = render('haproxy', yaml);
  assert.ok(haproxy.includes('http-request set-header Authorization "Bearer ${VLLM_POOLS_SECRET_GPU}"'));
  assert.ok(haproxy.includes('hdr Authorization "Bearer ${VLLM_POOLS_SECRET_GPU}"'));
  assert.ok(haproxy.includes('req.hdr(authorization) -m str "Bearer ${TEAM_TOKEN}"'));
});
