// Team gateway mode through the built CLI: `serve --host 0.0.0.0` with TLS and the client token. Traffic goes to
// 127.0.0.1 only. openssl makes a throwaway self-signed certificate; without openssl this test fails (it does not skip).
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { waitFor } from './testConfig';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const CLIENT_TOKEN = 'gateway-client-token-5e21';
const ADMIN_TOKEN = 'gateway-admin-token-9b07';
const MODEL = 'Qwen/Qwen3-0.6B';

interface Served {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<number | null>;
}

function serve(args: string[], env: NodeJS.ProcessEnv): Served {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (stream: NodeJS.ReadableStream, into: string[]) => {
    let rest = '';
    stream.on('data', (chunk) => {
      rest += chunk;
      const lines = rest.split('\n');
      rest = lines.pop()!;
      into.push(...lines);
    });
  };
  collect(child.stdout!, stdout);
  collect(child.stderr!, stderr);
  const exit = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  return { child, stdout, stderr, exit };
}

/** A self-signed certificate valid for 127.0.0.1, localhost and the team name used below, so the client can verify it against itself. */
function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:gpu-box.team.example',
        '-keyout',
        key,
        '-out',
        cert,
      ]),
      { stdio: 'pipe' },
    );
  } catch (error) {
    throw new Error(
      `this test needs openssl on PATH to make a self-signed certificate (apt-get install openssl): ${(error as Error).message}`,
    );
  }
  return { cert, key };
}

describe('team gateway mode: serve --host 0.0.0.0 with TLS and clientToken (built CLI)', () => {
  let dir: string;
  let fleet: SimFleet;
  let agent: Agent;
  before(async () => {
    if (!existsSync(CLI)) execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'vllm-pools-gateway-'));
    const { cert } = makeCertificate(dir);
    // Verifies the sidecar's certificate (no rejectUnauthorized: false): HTTPS is really in use.
    agent = new Agent({ keepAliveTimeout: 500, connect: { ca: readFileSync(cert) } });
    fleet = await startSimFleet({ replicas: 2, profile: 'fast', timeScale: 1, seed: 13 });
  });
  after(async () => {
    await fleet?.close();
    await agent?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const yaml = (withClientToken: boolean) => `listen: { host: 0.0.0.0, port: 0 }
tls: { cert: cert.pem, key: key.pem }
${withClientToken ? 'clientToken: ${env:VLLM_POOLS_CLIENT_TOKEN}\n' : ''}admin:
  token: \${env:VLLM_POOLS_ADMIN_TOKEN}
shutdownGrace: 2s
pools:
  - name: main
    replicas:
${fleet.urls.map((url, i) => `      - { url: "${url}", name: sim-${i} }`).join('\n')}
`;
  const env = { VLLM_POOLS_CLIENT_TOKEN: CLIENT_TOKEN, VLLM_POOLS_ADMIN_TOKEN: ADMIN_TOKEN };

  test('https ready line; 401 without the token; with it a chat completion streams; admin needs its own token', async () => {
    const file = join(dir, 'vllm-pools.yaml');
    writeFileSync(file, yaml(true));
    const served = serve(['--config', file, '--host', '0.0.0.0', '--port', '0'], env);
    try {
      await waitFor(() => served.stdout.length > 0 || served.child.exitCode !== null, 10_000, 'the ready line');
      const match = /^vllm-pools listening on https:\/\/0\.0\.0\.0:(\d+)$/.exec(served.stdout[0] ?? '');
      assert.ok(match, `ready line: ${served.stdout[0]} / stderr: ${served.stderr.join('\n')}`);
      const base = `https://127.0.0.1:${match[1]}`;
      const chat = (stream: boolean) =>
        JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: 'hello gateway' }],
          stream,
          max_tokens: 24,
          ignore_eos: true,
        });

      for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${ADMIN_TOKEN}`]) {
        const res = await request(`${base}/v1/chat/completions`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: chat(false),
        });
        assert.equal(res.statusCode, 401, `authorization: ${authorization ?? 'none'}`);
        const body = (await res.body.json()) as {
          error: { message: string; type: string; param: unknown; code: unknown };
        };
        assert.equal(typeof body.error.message, 'string');
        assert.equal(typeof body.error.type, 'string');
        assert.equal(body.error.param, null);
        assert.equal(Number(body.error.code), 401);
      }

      const res = await request(`${base}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_TOKEN}` },
        body: chat(true),
      });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/event-stream/);
      assert.match(String(res.headers['x-vllm-pools-replica']), /^sim-[01]$/);
      const text = await res.body.text();
      assert.ok(text.endsWith('data: [DONE]\n\n'), 'the stream ends with [DONE]');
      const events = text
        .split('\n\n')
        .filter((event) => event.startsWith('data: {'))
        .map((event) => JSON.parse(event.slice('data: '.length)) as { choices?: { delta?: { content?: string } }[] });
      const contentEvents = events.filter((event) => event.choices?.[0]?.delta?.content);
      assert.ok(contentEvents.length > 1, `streamed in several events (${contentEvents.length})`);
      assert.ok(!text.includes('"error"'));

      // Team members reach it by the machine's name: on a wildcard address with a client token any Host passes.
      const byName = await request(`${base}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${CLIENT_TOKEN}`,
          host: `gpu-box.team.example:${match[1]}`,
        },
        body: chat(false),
      });
      assert.equal(byName.statusCode, 200);
      await byName.body.text();

      const noAdmin = await request(`${base}/admin/state`, { dispatcher: agent });
      assert.equal(noAdmin.statusCode, 401);
      await noAdmin.body.text();
      const clientAsAdmin = await request(`${base}/admin/state`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${CLIENT_TOKEN}` },
      });
      assert.equal(clientAsAdmin.statusCode, 401, 'the client token is not an admin token');
      await clientAsAdmin.body.text();
      const state = await request(`${base}/admin/state`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      assert.equal(state.statusCode, 200);
      const stateText = await state.body.text();
      assert.equal((JSON.parse(stateText) as { pools: unknown[] }).pools.length, 1);
      assert.ok(!stateText.includes(CLIENT_TOKEN) && !stateText.includes(ADMIN_TOKEN), 'no token in the state');

      const health = await request(`${base}/healthz`, { dispatcher: agent });
      assert.equal(health.statusCode, 200, '/healthz needs no token');
      await health.body.text();

      served.child.kill('SIGTERM');
      assert.equal(await served.exit, 0);
      const logs = served.stderr.join('\n');
      assert.ok(!logs.includes(CLIENT_TOKEN) && !logs.includes(ADMIN_TOKEN), 'no token in the logs');
    } finally {
      served.child.kill('SIGKILL');
    }
  });

  test('the same config without clientToken exits 2 with FILE:LINE:COL', async () => {
    const file = join(dir, 'no-token.yaml');
    writeFileSync(file, yaml(false));
    const served = serve(['--config', file, '--host', '0.0.0.0', '--port', '0'], env);
    assert.equal(await served.exit, 2);
    assert.deepEqual(served.stdout.filter(Boolean), []);
    const errors = served.stderr.filter(Boolean);
    assert.ok(errors.length >= 1, 'at least one message');
    for (const line of errors) assert.match(line, /^.+no-token\.yaml:\d+:\d+: /);
    assert.ok(
      errors.some((line) => /clientToken/.test(line)),
      errors.join('\n'),
    );
  });
});
