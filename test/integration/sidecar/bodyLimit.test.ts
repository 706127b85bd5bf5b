// A body over limits.maxBodyBytes, sent with its length, gets a 413 the client can read: the sidecar reads and
// discards the rest of the body (up to a bound) before answering, so the client is not cut off mid-upload (EPIPE).
// The sidecar runs as its own process (the built CLI), as users run it: in one process the race does not show.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { waitFor } from './testConfig';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const LIMIT = 32 * 1024 * 1024;
let dir: string;
let child: ChildProcess;
let base = '';

before(async () => {
  if (!existsSync(CLI)) execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'vllm-pools-413-'));
  const file = join(dir, 'vllm-pools.yaml');
  // The 413 comes before any replica is chosen: one that is never reached will do.
  writeFileSync(
    file,
    'pools:\n  - name: main\n    healthCheck: { enabled: false }\n    replicas: [{ url: "http://127.0.0.1:9" }]\n',
  );
  child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--port', '0'], {
    env: { PATH: process.env['PATH'] },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
  });
  await waitFor(() => /listening on (\S+)/.test(out), 10_000, 'the ready line');
  base = /listening on (\S+)/.exec(out)![1]!;
});

after(() => {
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('a 33 MiB chat body through the openai client: a 413 with the OpenAI error, not EPIPE (5 tries)', async () => {
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 60_000 });
  const content = 'x'.repeat(33 * 1024 * 1024);
  for (let i = 0; i < 5; i++) {
    const error = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content }] }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof OpenAI.APIError, `try ${i}: expected an API error, got ${String(error)}`);
    assert.equal(error.status, 413, `try ${i}: ${String(error)}`);
    assert.match(error.message, /request body over the limit of 33554432 bytes/);
    assert.equal((error.error as { type?: string } | undefined)?.type, 'invalid_request_error');
  }
});

test('the same through undici: each try sees the 413 body', async () => {
  const body = Buffer.alloc(LIMIT + 1024 * 1024, 0x20);
  for (let i = 0; i < 3; i++) {
    const response = await request(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(response.statusCode, 413);
    const json = (await response.body.json()) as { error: { code: number } };
    assert.equal(json.error.code, 413);
  }
});
