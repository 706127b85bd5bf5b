// The manifest's when clauses for commands that only make sense in one situation (issue 22).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
const palette = manifest.contributes.menus.commandPalette as { command: string; when: string }[];

test('"Create vllm-pools.yaml" is not offered in the palette when the workspace has one', () => {
  assert.equal(palette.find((m) => m.command === 'vllmPools.createConfig')?.when, '!vllmPools.hasConfig');
});

test('"Start Sidecar on the Next Free Port" only while the port is taken', () => {
  assert.equal(palette.find((m) => m.command === 'vllmPools.useNextFreePort')?.when, 'vllmPools.portInUse');
});
