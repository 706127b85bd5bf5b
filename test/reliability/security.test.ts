// Security defaults on the built `serve`: no bind beyond loopback without clientToken, DNS-rebinding Host and browser
// Origin refused, admin token required (compared with timingSafeEqual), and distinctive fake keys never in the logs
// (debug level), /admin/state, /admin/events, /metrics or any error body, even after failures.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { type SimFleet, startSimFleet } from '../../sim/fleet';
import { chatBody, ensureBuilt, ROOT, startCli, startServe } from './harness';
import { recordSection } from './results';

const SIM_KEY = 'sk-test-SECRET-replica-0c9f27aa51';
const CLIENT_TOKEN = 'sk-test-SECRET-client-7d21be90';
const ADMIN_TOKEN = 'sk-test-SECRET-admin-3e55f0c1';
const SECRETS = [SIM_KEY, CLIENT_TOKEN, ADMIN_TOKEN];

let dir: string;
let fleet: SimFleet;

before(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'vllm-pools-security-'));
  fleet = await startSimFleet({ replicas: 2, profile: 'fast', seed: 4, apiKey: SIM_KEY });
});

after(async () => {
  await fleet?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('binding beyond loopback without clientToken is refused (exit 2)', async () => {
  const file = join(dir, 'plain.yaml');
  writeFileSync(file, `pools:\n  - name: main\n    replicas:\n      - url: ${fleet.urls[0]}\n`);
  for (const host of ['0.0.0.0', '::']) {
    const served = startCli(['serve', '--config', file, '--port', '0', '--host', host]);
    const { code } = await served.exit;
    assert.equal(code, 2, host);
    assert.deepEqual(served.stdout.filter(Boolean), [], `${host}: never listening`);
  }
});

test('admin tokens are compared with timingSafeEqual', () => {
  const source = readFileSync(join(ROOT, 'sidecar/admin/auth.ts'), 'utf8');
  assert.match(source, /timingSafeEqual\(/);
  assert.doesNotMatch(source, /given\s*===\s*token|token\s*===\s*given/);
});

test('Host, Origin and tokens are enforced; secrets appear nowhere', { timeout: 60_000 }, async () => {
  const file = join(dir, 'vllm-pools.yaml');
  writeFileSync(
    file,
    `clientToken: \${env:CLIENT_TOKEN}
pools:
  - name: main
    healthCheck: { interval: 300ms, timeout: 1s, rise: 1, fall: 1 }
    replicas:
${fleet.urls.map((url, i) => `      - { url: "${url}", name: sim-${i}, apiKey: "\${env:SIM_KEY}" }`).join('\n')}
`,
  );
  const served = await startServe(file, { SIM_KEY, CLIENT_TOKEN, VLLM_POOLS_ADMIN_TOKEN: ADMIN_TOKEN }, [
    '--log-level',
    'debug',
    '--log-format',
    'json',
  ]);
  const seen: string[] = [];
  const call = async (
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) => {
    const res = await request(`${served.base}${path}`, {
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers ?? {},
      ...(init.body ? { body: init.body } : {}),
    });
    const text = await res.body.text();
    seen.push(text, JSON.stringify(res.headers));
    return { status: res.statusCode, text };
  };
  const client = { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' };
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  try {
    // Security checks.
    assert.equal((await call('/v1/models', { headers: { ...client, host: 'evil.example' } })).status, 403);
    assert.equal((await call('/v1/models', { headers: { ...client, host: 'evil.example:80' } })).status, 403);
    assert.equal((await call('/v1/models', { headers: { ...client, origin: 'https://evil.example' } })).status, 403);
    assert.equal((await call('/v1/models', { headers: { ...client, origin: 'null' } })).status, 403);
    assert.equal((await call('/v1/models')).status, 401, 'client token required');
    assert.equal((await call('/v1/models', { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await call('/admin/state')).status, 401);
    assert.equal((await call('/admin/state', { headers: { authorization: `Bearer ${CLIENT_TOKEN}` } })).status, 401);
    assert.equal((await call('/admin/state', { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } })).status, 401);
    assert.equal((await call('/admin/reload', { method: 'POST' })).status, 401);

    // Traffic, including failures, so that every path that writes an error or a log line runs.
    const events = request(`${served.base}/admin/events`, { headers: admin, signal: AbortSignal.timeout(2500) }).then(
      async (res) => {
        let text = '';
        try {
          for await (const chunk of res.body) text += chunk;
        } catch {
          // the deadline ends the stream
        }
        seen.push(text);
        return text;
      },
    );
    assert.equal(
      (await call('/v1/chat/completions', { method: 'POST', headers: client, body: chatBody('hi', 4) })).status,
      200,
    );
    await call('/v1/chat/completions', { method: 'POST', headers: client, body: chatBody('hi', 4, false) });
    await call('/v1/chat/completions', { method: 'POST', headers: client, body: '{bad json' });
    await call('/v1/chat/completions', {
      method: 'POST',
      headers: client,
      body: chatBody('hi', 4, false, 'no/such-model'),
    });
    await fleet.replicas[0]!.setFault({ kind: 'status', status: 500 });
    await fleet.replicas[1]!.setFault({ kind: 'reset-mid-stream', afterChunks: 1 });
    for (let i = 0; i < 6; i++) {
      await call('/v1/chat/completions', { method: 'POST', headers: client, body: chatBody(`fail ${i}`, 8) });
    }
    await fleet.replicas[0]!.setFault('refuse');
    await fleet.replicas[1]!.setFault('refuse');
    await call('/v1/chat/completions', { method: 'POST', headers: client, body: chatBody('down', 4, false) });
    await new Promise((r) => setTimeout(r, 800));
    await call('/v1/chat/completions', { method: 'POST', headers: client, body: chatBody('down', 4, false) });
    await call('/admin/state', { headers: admin });
    await call('/metrics', { headers: admin });
    await call('/healthz');
    await events;
    for (const replica of fleet.replicas) await replica.setFault('none');
    served.kill('SIGTERM');
    await served.exit;

    const logs = served.stderrText();
    const places = { logs, responses: seen.join('\n') };
    const leaks: string[] = [];
    for (const [where, text] of Object.entries(places)) {
      for (const secret of SECRETS) if (text.includes(secret)) leaks.push(`${secret} in ${where}`);
      if (/sk-test-SECRET/.test(text)) leaks.push(`a key fragment in ${where}`);
    }
    assert.ok(logs.length > 1000, 'debug logs were written');
    assert.ok(
      seen.some((t) => t.includes('event: state')),
      'the events stream was read',
    );
    recordSection('security', { bytesScanned: logs.length + places.responses.length, leaks: leaks.length });
    assert.deepEqual(leaks, []);
  } finally {
    served.kill('SIGKILL');
  }
});
