import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../../cli/exportCommand';
import { ALL_EXPORT_FORMATS, exportConfig } from '../../../core/export/exportConfig';
import { headerOf, planFor, pool, render } from './helpers';

test('references become variable names; a literal key becomes a placeholder variable, never copied', () => {
  const literal = 'sk-literal-that-must-not-leak';
  const yaml = `pools:
  - name: a.b
    replicas:
      - { url: "http://10.0.0.1:8000", apiKey: "${literal}" }
  - name: env
    replicas:
      - { url: "http://10.0.0.2:8000", apiKey: "\${env:GPU_KEY}" }
  - name: secret
    replicas:
      - { url: "http://10.0.0.3:8000", apiKey: "\${secret:gpu-c}" }
  - name: mixed
    replicas:
      - { url: "http://10.0.0.4:8000", apiKey: "\${env:ONE}" }
      - { url: "http://10.0.0.5:8000" }
`;
  const plan = planFor(yaml);
  assert.deepEqual(
    plan.pools.map((p) => p.key),
    [
      { kind: 'env', variable: 'VLLM_POOLS_API_KEY_A_B', literal: true },
      { kind: 'env', variable: 'GPU_KEY', literal: false },
      { kind: 'env', variable: 'VLLM_POOLS_SECRET_GPU_C', literal: false },
      { kind: 'mixed', variable: 'ONE' },
    ],
  );
  for (const format of ALL_EXPORT_FORMATS) {
    const text = render(format, yaml);
    assert.ok(!text.includes(literal), `${format} copied a literal key`);
    assert.match(text, /the config holds a literal API key; it is not copied here/, format);
    assert.match(text, /Pool "mixed": its replicas use different API keys/, format);
  }
});

test('every export lists what it cannot express, for the algorithms in use', () => {
  const yaml = `${pool('prefix-aware')}  - name: q
    models: [m1]
    algorithm: queue-aware
    replicas: [{ url: "http://10.0.0.9:8000" }]
`;
  for (const format of ALL_EXPORT_FORMATS) {
    const text = render(format, yaml);
    const header = headerOf(text);
    assert.match(header, /cannot express, and the nearest equivalent used here:/, format);
    assert.match(header, /Model routing: the sidecar picks a pool from the request body's "model"/, format);
    assert.match(header, /Algorithm prefix-aware: /, format);
    assert.match(header, /Algorithm queue-aware: /, format);
    assert.doesNotMatch(header, /Algorithm round-robin: /, format);
    assert.match(header, /Not exported: the admin API/, format);
    assert.ok(
      header.split('\n').every((line) => line === '' || line.startsWith('#')),
      `${format}: header not all comments`,
    );
  }
});

test('exportConfig resolves no environment value, even when the variables are set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vp-export-'));
  const saved = process.env.VP_TEST_KEY;
  try {
    process.env.VP_TEST_KEY = 'value-from-the-environment';
    const file = join(dir, 'vllm-pools.yaml');
    writeFileSync(
      file,
      `pools:\n  - name: a\n    replicas: [{ url: "http://10.0.0.1:1", apiKey: "\${env:VP_TEST_KEY}" }]\n`,
    );
    for (const format of ALL_EXPORT_FORMATS) {
      const { text } = exportConfig(file, format);
      assert.ok(text);
      assert.ok(!text.includes('value-from-the-environment'), format);
      assert.ok(text.includes('VP_TEST_KEY'), format);
    }
  } finally {
    if (saved === undefined) delete process.env.VP_TEST_KEY;
    else process.env.VP_TEST_KEY = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the export command: usage errors exit 2, a broken config prints FILE:LINE:COL and exits 2, --out writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vp-export-cmd-'));
  const writes: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => {
    writes.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    assert.equal(await run(['--config', 'x.yaml', '--format', 'iis']), 2);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'pools:\n  - name: a\n    replicas: []\n');
    assert.equal(await run(['--config', bad, '--format', 'nginx']), 2);
    assert.ok(
      writes.some((w) => w.startsWith(`${bad}:3:15: `)),
      writes.join(''),
    );
    const good = join(dir, 'good.yaml');
    const out = join(dir, 'out.cfg');
    writeFileSync(good, 'pools:\n  - name: a\n    replicas: [{ url: "http://10.0.0.1:1" }]\n');
    assert.equal(await run(['--config', good, '--format', 'haproxy', '--listen', '0.0.0.0:9000', '--out', out]), 0);
    const { readFileSync } = await import('node:fs');
    assert.match(readFileSync(out, 'utf8'), /bind 0\.0\.0\.0:9000/);
  } finally {
    process.stderr.write = original;
    rmSync(dir, { recursive: true, force: true });
  }
});
