// The broken-config corpus (test/fixtures/config/invalid/, each with `# expect: LINE:COL: message`): `serve` exits 2
// with FILE:LINE:COL for each; a running sidecar keeps its config when the file turns into any of them, on
// POST /admin/reload (400 with the errors) and on SIGHUP, and still serves.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { type SimFleet, startSimFleet } from '../../sim/fleet';
import { adminState, chatBody, ensureBuilt, ROOT, startCli, startServe, waitFor } from './harness';
import { recordSection } from './results';

const CORPUS = join(ROOT, 'test/fixtures/config/invalid');
const files = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.yaml'))
  .sort();
const TOKEN = 'admin-config-91be3c';

let dir: string;
let fleet: SimFleet;

before(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'vllm-pools-config-'));
  fleet = await startSimFleet({ replicas: 2, profile: 'fast', seed: 2 });
});

after(async () => {
  await fleet?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expectations(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^# expect: (\d+:\d+: .*)$/.exec(line)?.[1])
    .filter((e): e is string => e !== undefined);
}

test(`serve exits 2 with FILE:LINE:COL on each of the ${files.length} broken configs`, async () => {
  let index = 0;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (index < files.length) {
        const name = files[index++] as string;
        const file = join(CORPUS, name);
        const served = startCli(['serve', '--config', file, '--port', '0']);
        const { code } = await served.exit;
        const lines = served.stderr.filter(Boolean);
        if (code !== 2) failures.push(`${name}: exit ${code}`);
        if (served.stdout.filter(Boolean).length > 0) failures.push(`${name}: printed a ready line`);
        if (!lines.some((line) => line.startsWith(`${file}:`)))
          failures.push(`${name}: no FILE:LINE:COL line: ${lines.join(' | ')}`);
        for (const line of lines) {
          if (!/^.+\.yaml:\d+:\d+: /.test(line)) failures.push(`${name}: not FILE:LINE:COL: ${line}`);
        }
        for (const expected of expectations(file)) {
          if (!lines.includes(`${file}:${expected}`)) failures.push(`${name}: missing ${expected}`);
        }
      }
    }),
  );
  assert.deepEqual(failures, []);
});

test('a running sidecar keeps its config through reload and SIGHUP of every broken file', {
  timeout: 120_000,
}, async () => {
  const configPath = join(dir, 'vllm-pools.yaml');
  const good = `algorithm: round-robin
pools:
  - name: main
    healthCheck: { interval: 500ms, timeout: 2s, rise: 1, fall: 3 }
    replicas:
${fleet.urls.map((url, i) => `      - { url: "${url}", name: sim-${i} }`).join('\n')}
`;
  writeFileSync(configPath, good);
  const served = await startServe(configPath, { VLLM_POOLS_ADMIN_TOKEN: TOKEN });
  const shape = (state: Awaited<ReturnType<typeof adminState>>) =>
    JSON.stringify(state.pools.map((p) => [p.name, p.replicas.map((r) => r.name)]));
  try {
    const before = shape(await adminState(served.base, TOKEN));
    let reloads = 0;
    let hups = 0;
    for (const name of files) {
      copyFileSync(join(CORPUS, name), configPath);
      const res = await request(`${served.base}/admin/reload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const result = (await res.body.json()) as { ok: boolean; errors: string[] };
      assert.equal(res.statusCode, 400, name);
      assert.equal(result.ok, false);
      assert.ok(
        result.errors.length > 0 && result.errors.every((e) => /^.+:\d+:\d+: /.test(e)),
        `${name}: ${result.errors.join(' | ')}`,
      );
      reloads += 1;
      const errorsBefore = served.stderr.filter((l) => l.includes('SIGHUP: reload failed')).length;
      served.child.kill('SIGHUP');
      await waitFor(
        () => served.stderr.filter((l) => l.includes('SIGHUP: reload failed')).length > errorsBefore,
        5000,
        `${name}: SIGHUP rejected`,
      );
      hups += 1;
      assert.equal(shape(await adminState(served.base, TOKEN)), before, `${name}: the running config stays`);
    }
    const res = await request(`${served.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chatBody('still serving', 4, false),
    });
    assert.equal(res.statusCode, 200);
    await res.body.dump();
    assert.equal(served.child.exitCode, null);
    recordSection('config', { corpus: files.length, reloadsRejected: reloads, sighupsRejected: hups });
  } finally {
    served.kill('SIGKILL');
    await served.exit;
  }
});
