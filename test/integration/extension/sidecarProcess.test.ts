// SidecarProcess against the real bundled sidecar (dist/sidecar.js): ready line, per-start admin token, restart with
// backoff after a crash, an invalid config reported with line/col and not restarted, graceful stop.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { createVscodeStub, installVscodeStub } from './vscodeStub';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/sidecar.js');
const built = existsSync(CLI);

type SidecarProcessModule = typeof import('../../../extension/sidecarProcess');
type SidecarFailure = import('../../../extension/sidecarProcess').SidecarFailure;

let fleet: SimFleet;
let folder: string;
let uninstall: () => void;
let SidecarProcess: SidecarProcessModule['SidecarProcess'];
const logs: string[] = [];
const log = Object.fromEntries(
  ['trace', 'debug', 'info', 'warn', 'error'].map((level) => [level, (t: string) => logs.push(`${level} ${t}`)]),
);

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs.slice(-10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

before(async () => {
  if (!built) return;
  fleet = await startSimFleet({ replicas: 1, profile: 'fast', timeScale: 0.05 });
  folder = mkdtempSync(join(tmpdir(), 'vllm-pools-proc-'));
  uninstall = installVscodeStub(createVscodeStub(folder).vscode);
  ({ SidecarProcess } = require('../../../extension/sidecarProcess') as SidecarProcessModule);
});

after(async () => {
  if (!built) return;
  uninstall();
  await fleet.close();
  rmSync(folder, { recursive: true, force: true });
});

test('start, token-protected admin API, restart after a crash with a new token, stop', {
  skip: !built && 'npm run build first',
}, async () => {
  const file = join(folder, 'vllm-pools.yaml');
  writeFileSync(file, `pools:\n  - name: p\n    replicas:\n      - url: ${fleet.urls[0]}\n`);
  const sidecar = new SidecarProcess(CLI, log as never);
  try {
    assert.equal(await sidecar.start({ configFile: file, port: 0, logLevel: 'info', secretEnv: {} }), true);
    assert.equal(sidecar.status, 'running');
    const first = sidecar.connection!;
    assert.match(first.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(first.token!.length, 64);
    const denied = await request(`${first.baseUrl}/admin/state`);
    await denied.body.text();
    assert.equal(denied.statusCode, 401, 'the admin API needs the per-start token');
    const allowed = await request(`${first.baseUrl}/admin/state`, {
      headers: { authorization: `Bearer ${first.token}` },
    });
    assert.equal(allowed.statusCode, 200);
    await allowed.body.text();

    process.kill(sidecar.pid!, 'SIGKILL');
    await waitFor(() => sidecar.status === 'starting', 'a scheduled restart');
    assert.match(sidecar.detail ?? '', /restarting in 1s after signal SIGKILL/);
    await waitFor(() => sidecar.status === 'running', 'running again');
    assert.notEqual(sidecar.connection!.token, first.token, 'a new token for every start');
    assert.ok(!logs.some((l) => l.includes(first.token!)), 'the token never reaches the log');

    await sidecar.stop();
    assert.equal(sidecar.status, 'stopped');
    assert.equal(sidecar.pid, undefined);
  } finally {
    sidecar.dispose();
  }
});

test('an invalid config fails with its issues at line and column, without restarting', { skip: !built }, async () => {
  const file = join(folder, 'bad.vllm-pools.yaml');
  writeFileSync(file, `pools:\n  - name: p\n    retries: lots\n    replicas:\n      - url: ${fleet.urls[0]}\n`);
  const sidecar = new SidecarProcess(CLI, log as never);
  const failures: SidecarFailure[] = [];
  sidecar.onDidFail((f) => failures.push(f));
  try {
    assert.equal(await sidecar.start({ configFile: file, port: 0, logLevel: 'info', secretEnv: {} }), false);
    assert.equal(sidecar.status, 'failed');
    assert.equal(failures.length, 1);
    const failure = failures[0]!;
    assert.equal(failure.kind, 'config');
    if (failure.kind !== 'config') return;
    assert.equal(failure.issues[0]!.file, file);
    assert.equal(failure.issues[0]!.line, 3);
    assert.match(failure.issues[0]!.message, /retries/);
  } finally {
    sidecar.dispose();
  }
});

test('an admin token the user configured is the one the sidecar and the extension use', { skip: !built }, async () => {
  const file = join(folder, 'admin.vllm-pools.yaml');
  const chosen = 'user-chosen-admin-token-0123456789';
  writeFileSync(
    file,
    `admin:\n  token: ${chosen}\npools:\n  - name: p\n    replicas:\n      - url: ${fleet.urls[0]}\n`,
  );
  const sidecar = new SidecarProcess(CLI, log as never);
  try {
    const launch = { configFile: file, port: 0, logLevel: 'info' as const, secretEnv: {}, adminToken: chosen };
    assert.equal(await sidecar.start(launch), true);
    assert.equal(sidecar.connection!.token, chosen);
    const state = await request(`${sidecar.connection!.baseUrl}/admin/state`, {
      headers: { authorization: `Bearer ${chosen}` },
    });
    await state.body.text();
    assert.equal(state.statusCode, 200, "the user's own token works for their scripts");
    assert.ok(!logs.some((l) => l.includes(chosen)), 'the token never reaches the log');
    await sidecar.stop();
  } finally {
    sidecar.dispose();
  }
});
