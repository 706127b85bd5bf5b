// Measures (prints, does not assert) the latency the sidecar adds to small non-streaming requests over keep-alive:
// the same client calls a tiny backend directly and through the built CLI's sidecar (its own process), interleaved.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Agent, request } from 'undici';
import { startSidecar } from '../../../sidecar/sidecar';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const ROUNDS = 1000;

test('latency added per small non-streaming request (printed)', { timeout: 300_000 }, async () => {
  if (!existsSync(CLI)) execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  const reply = JSON.stringify({
    id: 'cmpl-1',
    object: 'chat.completion',
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  });
  const backend = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/models') {
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'm' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
      res.end(reply);
    });
  });
  await new Promise<void>((done) => backend.listen(0, '127.0.0.1', done));
  const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'vllm-pools-latency-'));
  const file = join(dir, 'vllm-pools.yaml');
  writeFileSync(file, `pools:\n  - name: p\n    models: [m]\n    replicas:\n      - url: ${backendUrl}\n`);
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let ready = '';
  child.stdout!.on('data', (chunk) => {
    ready += chunk;
  });
  const direct = new Agent({ connections: 1, keepAliveTimeout: 10_000 });
  const viaAgent = new Agent({ connections: 1, keepAliveTimeout: 10_000 });
  try {
    await waitFor(() => ready.includes('\n'), 10_000, 'the sidecar');
    const sidecarUrl = ready.trim().replace('vllm-pools listening on ', '');
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 });
    const once = async (base: string, dispatcher: Agent) => {
      const start = process.hrtime.bigint();
      const res = await request(`${base}/v1/chat/completions`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.body.text();
      assert.equal(res.statusCode, 200);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let i = 0; i < 100; i++) {
      await once(backendUrl, direct);
      await once(sidecarUrl, viaAgent);
    }
    const directMs: number[] = [];
    const viaMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      directMs.push(await once(backendUrl, direct));
      viaMs.push(await once(sidecarUrl, viaAgent));
    }
    const pct = (values: number[], q: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    };
    const line = (name: string, values: number[]) =>
      `${name}: p50 ${pct(values, 0.5).toFixed(3)} ms, p99 ${pct(values, 0.99).toFixed(3)} ms`;
    console.log(`small non-streaming requests, keep-alive, ${ROUNDS} each, interleaved:`);
    console.log(`  ${line('direct      ', directMs)}`);
    console.log(`  ${line('via sidecar ', viaMs)}`);
    console.log(
      `  added: p50 ${(pct(viaMs, 0.5) - pct(directMs, 0.5)).toFixed(3)} ms, p99 ${(pct(viaMs, 0.99) - pct(directMs, 0.99)).toFixed(3)} ms`,
    );

    // The same through a sidecar in this process: no extra process to schedule, so this is the CPU cost of the path.
    const inProcess = await startSidecar({
      config: testConfig([testPool('p', [{ url: backendUrl, name: 'b' }], { models: ['m'] })]),
      logger: memoryLogger().logger,
      env: {},
    });
    const inAgent = new Agent({ connections: 1, keepAliveTimeout: 10_000 });
    try {
      for (let i = 0; i < 100; i++) await once(inProcess.url, inAgent);
      const direct2: number[] = [];
      const inMs: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        direct2.push(await once(backendUrl, direct));
        inMs.push(await once(inProcess.url, inAgent));
      }
      console.log(`  ${line('direct      ', direct2)}`);
      console.log(`  ${line('in-process  ', inMs)}`);
      console.log(
        `  added in-process: p50 ${(pct(inMs, 0.5) - pct(direct2, 0.5)).toFixed(3)} ms, p99 ${(pct(inMs, 0.99) - pct(direct2, 0.99)).toFixed(3)} ms`,
      );
    } finally {
      await inAgent.close();
      await inProcess.close(500);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.on('exit', done));
    await direct.close();
    await viaAgent.close();
    await new Promise<void>((done) => backend.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  }
});
