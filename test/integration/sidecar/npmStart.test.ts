// `npm start` stops when its top process is signalled, as IDE tasks, process managers and `docker stop` do: npm passes
// SIGINT/SIGTERM to its script's process, so that process must be the demo itself (`exec`), not a `sh` that keeps the
// signal to itself (kill -INT did nothing, kill -TERM left the demo running under pid 1 and holding its port).
// The real start script from package.json runs under the real npm, in a scratch folder whose build step is a no-op
// (rebuilding dist/ here would race the other tests that run it) and whose dist/ is the built one.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { waitFor } from './testConfig';

const ROOT = resolve(__dirname, '../../..');
let dir: string;

before(() => {
  if (!existsSync(join(ROOT, 'dist/cli.js')))
    execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  assert.match(start, /^node build\.mjs && /, 'the start script builds first (replaced by a no-op here)');
  dir = mkdtempSync(join(tmpdir(), 'vllm-pools-npm-start-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'start-check', private: true, scripts: { start } }));
  writeFileSync(join(dir, 'build.mjs'), '');
  symlinkSync(join(ROOT, 'dist'), join(dir, 'dist'));
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Every process below `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    children = tasks === '' ? [] : tasks.split(/\s+/).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolvePort(false);
    });
    socket.on('error', () => resolvePort(true));
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`npm start: ${signal} to the npm process stops the demo and frees its port`, { timeout: 90_000 }, async () => {
    const npm = spawn('npm', ['run', 'start', '--', '--port', '0', '--time-scale', '0.1'], {
      cwd: dir,
      env: { ...process.env, npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolveExit) => npm.on('exit', (code) => resolveExit(code)));
    let out = '';
    npm.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    let below: number[] = [];
    try {
      await waitFor(() => out.includes('Ctrl-C stops everything.'), 60_000, 'the demo ready');
      const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
      below = descendants(npm.pid!);
      assert.ok(below.length >= 1, 'the demo runs below npm');
      assert.equal(await portFree(port), false);
      npm.kill(signal);
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
      assert.notEqual(code, 'still running', `npm did not exit on ${signal}`);
      await waitFor(() => below.every((pid) => !alive(pid)), 5000, 'no process left below npm');
      assert.equal(await portFree(port), true, `port ${port} is free`);
      assert.match(out, /Stopping\.\.\./, 'the demo stopped itself (cleaned up)');
    } finally {
      for (const pid of [npm.pid!, ...below]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
}
