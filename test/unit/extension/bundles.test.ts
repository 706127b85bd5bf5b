// The bundle table (core/bundles.json) is the one list of dist/ files: build.mjs writes them from it, the extension
// spawns and loads them from it, and the places that cannot import it (package.json, .vscodeignore) must agree.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUNDLES, pageCss } from '../../../core/bundles';

const ROOT = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n');

test("package.json's main, bin and scripts name the bundles of the table", () => {
  assert.equal(manifest.main, `./${BUNDLES.extension.outfile}`);
  assert.equal(manifest.bin['vllm-pools'], BUNDLES.cli.outfile);
  assert.match(manifest.scripts.start, new RegExp(`node ${BUNDLES.cli.outfile} demo`));
  assert.match(manifest.scripts.bench, new RegExp(`node ${BUNDLES.cli.outfile} bench`));
});

test('.vscodeignore ships the extension, the serve-only sidecar and the page bundles (not the CLI)', () => {
  assert.ok(ignore.includes(`!${BUNDLES.extension.outfile}`));
  assert.ok(ignore.includes(`!${BUNDLES.sidecar.outfile}`));
  assert.ok(ignore.includes(`!${BUNDLES.pagesDir}/*.js`));
  assert.ok(ignore.includes(`!${BUNDLES.pagesDir}/*.css`));
  assert.ok(!ignore.includes(`!${BUNDLES.cli.outfile}`));
});

test('every entry exists and every page bundle lies in the pages folder', () => {
  for (const { entry } of [BUNDLES.extension, BUNDLES.cli, BUNDLES.sidecar, ...Object.values(BUNDLES.pages)]) {
    assert.ok(existsSync(join(ROOT, entry)), entry);
  }
  for (const { outfile } of Object.values(BUNDLES.pages)) assert.ok(outfile.startsWith(`${BUNDLES.pagesDir}/`));
  assert.equal(pageCss('dashboard'), `${BUNDLES.pagesDir}/dashboard.css`);
});
