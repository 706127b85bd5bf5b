// Bundles the extension, the CLI (sidecar + simulator + bench), the extension's sidecar binary (serve only) and the
// webview page scripts into dist/.
import { existsSync, readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

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
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  ...Object.entries({ 'dist/cli.js': 'cli/cli.ts', 'dist/sidecar.js': 'cli/sidecarMain.ts' }).map(
    ([outfile, entry]) => ({
      ...common,
      entryPoints: [entry],
      outfile,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      banner: { js: '#!/usr/bin/env node' },
      // Optional native addon, loaded only when a replica has kvEvents (sidecar/kvEvents/zmqLoader.ts).
      external: ['zeromq'],
    }),
  ),
];

for (const [name, entry] of Object.entries({
  dashboard: 'webview/dashboard/main.ts',
  configEditor: 'webview/configEditor/main.ts',
})) {
  if (!existsSync(entry)) continue;
  builds.push({
    ...common,
    entryPoints: [entry],
    outfile: `dist/webview/${name}.js`,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

await Promise.all(builds.map((options) => esbuild.build(options)));
