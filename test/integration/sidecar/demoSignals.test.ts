// Ctrl-C under `npm start` reaches the demo twice: from the terminal (the whole process group) and from npm, which
// passes it on. The second one must not cut the clean-up short (temp config left behind, exit by signal).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { waitFor } from './testConfig';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');

test('demo: two SIGINTs in a row still stop it cleanly (exit 0, temp config removed)', {
  timeout: 60_000,
}, async () => {
  if (!existsSync(CLI)) execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  const child = spawn(process.execPath, [CLI, 'demo', '--port', '0', '--time-scale', '0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<[number | null, string | null]>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit([code, signal])),
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  try {
    await waitFor(() => out.includes('Ctrl-C stops everything.'), 45_000, 'the demo ready');
    const config = /Config: (\S+)/.exec(out)![1]!;
    assert.ok(existsSync(config));
    child.kill('SIGINT');
    await waitFor(() => out.includes('Stopping...'), 5000, 'the demo stopping');
    child.kill('SIGINT');
    assert.deepEqual(await exited, [0, null]);
    assert.equal(existsSync(config), false, 'the generated config was removed');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
