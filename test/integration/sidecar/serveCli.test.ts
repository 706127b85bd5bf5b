// The built CLI: `serve` prints exactly one ready line, exits 2 on a bad config with FILE:LINE:COL, reloads on SIGHUP,
// and on SIGTERM lets a stream in flight finish before exiting 0.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { waitFor } from './testConfig';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const agent = new Agent({ keepAliveTimeout: 500 });

interface Served {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<number | null>;
}

function serve(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Served {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    ...(cwd ? { cwd } : {}),
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
    const lines = out.split('\n');
    out = lines.pop()!;
    stdout.push(...lines);
  });
  child.stderr!.on('data', (chunk) => {
    err += chunk;
    const lines = err.split('\n');
    err = lines.pop()!;
    stderr.push(...lines);
  });
  const exit = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  return { child, stdout, stderr, exit };
}

describe('vllm-pools serve (built CLI)', () => {
  let dir: string;
  let fleet: SimFleet;
  before(async () => {
    if (!existsSync(CLI)) execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'vllm-pools-serve-'));
    fleet = await startSimFleet({ replicas: 2, profile: 'fast', timeScale: 1, seed: 9 });
  });
  after(async () => {
    await fleet.close();
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const yaml = (algorithm: string) => `algorithm: ${algorithm}
shutdownGrace: 10s
pools:
  - name: main
    replicas:
${fleet.urls.map((url, i) => `      - { url: "${url}", name: sim-${i} }`).join('\n')}
`;

  test('an invalid config exits 2 with FILE:LINE:COL lines', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'pools:\n  - name: main\n    replicas: []\n    retries: many\n');
    const served = serve(['--config', file, '--port', '0']);
    assert.equal(await served.exit, 2);
    assert.deepEqual(served.stdout, []);
    assert.ok(served.stderr.length >= 1);
    for (const line of served.stderr.filter(Boolean)) assert.match(line, /^.+bad\.yaml:\d+:\d+: /);
  });

  test('without --config it reads ./vllm-pools.yaml of the current folder', async () => {
    const here = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(here, 'vllm-pools.yaml'), yaml('round-robin'));
    const served = serve(['--port', '0'], {}, here);
    try {
      await waitFor(() => served.stdout.length > 0 || served.child.exitCode !== null, 10_000, 'the ready line');
      assert.match(served.stdout[0] ?? served.stderr.join('\n'), /^vllm-pools listening on http:\/\/127\.0\.0\.1:\d+$/);
      served.child.kill('SIGTERM');
      assert.equal(await served.exit, 0);
    } finally {
      served.child.kill('SIGKILL');
    }
    const empty = mkdtempSync(join(dir, 'empty-'));
    const missing = serve(['--port', '0'], {}, empty);
    assert.equal(await missing.exit, 2);
    assert.deepEqual(missing.stderr.filter(Boolean), ['vllm-pools.yaml:1:1: the config file does not exist']);
  });

  test('ready line, SIGHUP reload, SIGTERM with a stream in flight', async () => {
    const file = join(dir, 'vllm-pools.yaml');
    writeFileSync(file, yaml('least-connections'));
    const token = 'serve-admin-token-1234';
    const served = serve(['--config', file, '--port', '0', '--log-format', 'json'], { VLLM_POOLS_ADMIN_TOKEN: token });
    try {
      await waitFor(() => served.stdout.length > 0, 10_000, 'the ready line');
      const match = /^vllm-pools listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(served.stdout[0]!);
      assert.ok(match, served.stdout[0]);
      const base = match[1]!;
      for (const line of served.stderr.filter(Boolean)) JSON.parse(line);

      writeFileSync(file, yaml('round-robin'));
      served.child.kill('SIGHUP');
      await waitFor(
        async () => {
          const res = await request(`${base}/admin/state`, {
            dispatcher: agent,
            headers: { authorization: `Bearer ${token}` },
          });
          const state = (await res.body.json()) as { pools: { algorithm: string }[] };
          return state.pools[0]!.algorithm === 'round-robin';
        },
        5000,
        'the reload',
      );

      const response = await request(`${base}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'Qwen/Qwen3-0.6B',
          messages: [{ role: 'user', content: 'long one' }],
          stream: true,
          max_tokens: 600,
          ignore_eos: true,
        }),
      });
      assert.equal(response.statusCode, 200);
      const text = response.body.text();
      served.child.kill('SIGTERM');
      const body = await text;
      assert.ok(body.endsWith('data: [DONE]\n\n'), 'the stream in flight finished');
      assert.ok(!body.includes('"error"'));
      assert.equal(await served.exit, 0);
      const stopping = served.stderr
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg: string; inflight?: number })
        .find((entry) => entry.msg.startsWith('SIGTERM'));
      assert.ok(stopping && (stopping.inflight ?? 0) >= 1, 'SIGTERM arrived while the stream was in flight');
      assert.equal(served.stdout.filter(Boolean).length, 1, 'exactly one line on stdout');
      await assert.rejects(request(`${base}/healthz`, { dispatcher: new Agent() }), 'no longer listening');
    } finally {
      served.child.kill('SIGKILL');
    }
  });
});
