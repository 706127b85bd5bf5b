// Every command's --help names and explains each of its options; `export` names the formats that exist when the
// format is missing or unknown, and says on stderr what --out wrote.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
let dir: string;

before(() => {
  if (!existsSync(CLI)) execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'vllm-pools-cli-help-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], cwd = ROOT) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The long options a command's source declares to parseArgs (internal ones excepted). */
function declaredOptions(file: string): string[] {
  const source = readFileSync(join(ROOT, 'cli', file), 'utf8');
  const table = /parseCommandArgs\(\s*'\w+',\s*argv,\s*\{([\s\S]*?)\n\s*\},\s*USAGE/.exec(source)?.[1] ?? '';
  return [...table.matchAll(/^\s*'?([\w-]+)'?: \{ type:/gm)]
    .map((m) => m[1]!)
    .filter((name) => name !== 'worker' && name !== 'worker-options');
}

const COMMANDS = {
  serve: 'serveCommand.ts',
  export: 'exportCommand.ts',
  bench: 'benchCommand.ts',
  sim: 'simCommand.ts',
  demo: 'demoCommand.ts',
};

for (const [command, file] of Object.entries(COMMANDS)) {
  test(`${command} --help describes every option`, () => {
    const options = declaredOptions(file);
    assert.ok(options.length >= 1, `found the option table of ${file}`);
    const { code, stdout } = cli([command, '--help']);
    assert.equal(code, 0);
    for (const option of [...options, 'help']) {
      const line = stdout.split('\n').find((l) => new RegExp(`^\\s+(-\\w, )?--${option}\\b`).test(l));
      assert.ok(line, `${command} --help has a line for --${option}:\n${stdout}`);
      const text = line.replace(new RegExp(`^\\s+(-\\w, )?--${option}( [A-Z:]+)?`), '').trim();
      assert.ok(text.length >= 8, `${command} --help explains --${option}: "${line}"`);
    }
  });
}

test('serve --help says the config defaults to ./vllm-pools.yaml', () => {
  assert.match(cli(['serve', '--help']).stdout, /default: \.\/vllm-pools\.yaml/);
});

test('export: a missing or unknown format names the formats that exist', () => {
  const missing = cli(['export']);
  assert.equal(missing.code, 2);
  assert.equal(
    missing.stderr,
    'vllm-pools export: which format? --format takes one of: nginx, haproxy, caddy, envoy, inference-gateway\n',
  );
  const unknown = cli(['export', '--format', 'traefik']);
  assert.equal(unknown.code, 2);
  assert.equal(
    unknown.stderr,
    'vllm-pools export: unknown format "traefik"; --format takes one of: nginx, haproxy, caddy, envoy, inference-gateway\n',
  );
});

test('export --out writes the file and says so on stderr; without --config it reads ./vllm-pools.yaml', () => {
  writeFileSync(
    join(dir, 'vllm-pools.yaml'),
    'pools:\n  - name: main\n    replicas: [{ url: "http://10.0.0.10:8000" }]\n',
  );
  const out = join(dir, 'nginx.conf');
  const result = cli(['export', '--format', 'nginx', '--out', out], dir);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  const written = readFileSync(out, 'utf8');
  assert.match(written, /upstream/);
  const lines = written.split('\n').length - 1;
  assert.equal(result.stderr, `vllm-pools export: wrote nginx config for vllm-pools.yaml to ${out} (${lines} lines)\n`);
});
