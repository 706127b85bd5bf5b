// Where the end-to-end suite finds its tools (installed by test/e2e/setup.sh) and writes its outputs (all under .e2e/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The project's root: the nearest folder above the working directory whose package.json is vllm-pools. */
function findRepoRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'vllm-pools') return dir;
    if (dirname(dir) === dir) throw new Error(`no vllm-pools package.json above ${start}`);
  }
}

export const repoRoot = findRepoRoot(process.cwd());
export const e2eDir = join(repoRoot, '.e2e');
export const node22Bin = join(e2eDir, 'node22/node_modules/.bin');
export const codeServerBin = join(e2eDir, 'code-server/node_modules/.bin/code-server');
export const chromiumPath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const extensionVsix = join(repoRoot, 'dist/vllm-pools.vsix');
export const cliJs = join(repoRoot, 'dist/cli.js');
export const lmTestExtensionDir = join(repoRoot, 'test/e2e/lm-test-extension');
export const artifactsDir = join(e2eDir, 'artifacts');

/** A fresh folder per run: workspace, code-server profile, extensions, logs. */
export function runDir(stamp: string): string {
  return join(e2eDir, 'runs', stamp);
}

/** PATH with Node 22 first: code-server 4.110 runs on it, and so does everything it spawns. */
export function pathWithNode22(): string {
  return `${node22Bin}:${process.env.PATH ?? ''}`;
}
