// Bundles the extension, the CLI (sidecar + simulator + bench), the extension's sidecar binary (serve only) and the
// webview page scripts into dist/.
import { existsSync, readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
/** Entry points and output files, shared with the code that spawns and loads them (core/bundles.ts). */
const bundles = JSON.parse(readFileSync('core/bundles.json', 'utf8'));

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { __VERSION__: JSON.stringify(version) },
};

const builds = [
  {
    ...common,
    entryPoints: [bundles.extension.entry],
    outfile: bundles.extension.outfile,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  ...[bundles.cli, bundles.sidecar].map(({ entry, outfile }) => ({
    ...common,
    entryPoints: [entry],
    outfile,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // Optional native addon, loaded only when a replica has kvEvents (sidecar/kvEvents/zmqLoader.ts).
    external: ['zeromq'],
  })),
];

for (const { entry, outfile } of Object.values(bundles.pages)) {
  if (!existsSync(entry)) continue;
  builds.push({
    ...common,
    entryPoints: [entry],
    outfile,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

await Promise.all(builds.map((options) => esbuild.build(options)));
