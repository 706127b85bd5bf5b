// Type-checks each room with its own tsconfig (its own `lib` and `types`: the webviews see the DOM and no Node, the
// core and the sidecar no DOM and no vscode), then the tests. One failing room fails the run; all rooms are checked.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const projects = ['core', 'sidecar', 'cli', 'sim', 'bench', 'extension', 'webview', '.'];
let failed = 0;
for (const project of projects) {
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`typecheck: ${project === '.' ? 'tests and scripts' : project}/ failed`);
  }
}
process.exit(failed === 0 ? 0 : 1);
