// `vllm-pools demo` end to end: replicas and sidecar start, the printed endpoint streams, Ctrl-C exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { postSse } from './helpers';

test('demo falls back from a taken port, streams through the sidecar, and stops on SIGINT', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const takenPort = (blocker.address() as { port: number }).port;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/cli.ts', 'demo', '--port', String(takenPort), '--time-scale', '0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const deadline = Date.now() + 60_000;
    while (!out.includes('Ctrl-C stops everything.') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(out.includes('Ctrl-C stops everything.'), `demo output:\n${out}`);
    assert.ok(out.includes(`Port ${takenPort} is taken; using a free port instead.`));
    const endpoint = /OpenAI-compatible endpoint: (\S+)/.exec(out)![1]!;
    assert.notEqual(endpoint, `http://127.0.0.1:${takenPort}/v1`);
    assert.ok(out.includes(`curl -N ${endpoint}/chat/completions`));
    const body = JSON.parse(/-d '([^']+)'/.exec(out)![1]!) as Record<string, unknown>;
    const result = await postSse(`${endpoint}/chat/completions`, body);
    assert.equal(result.status, 200);
    assert.ok(result.done);
    assert.match(result.headers.get('x-vllm-pools-replica') ?? '', /^sim-\d$/);
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    blocker.close();
  }
});
