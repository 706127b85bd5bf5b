// `vllm-pools sim` with vLLM's model flags: served-name aliases, LoRA modules and max-loras reach every replica.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

function startSim(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/cli.ts', 'sim', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => out, err: () => err };
}

test('--served-model-name (repeated), --lora-modules and --max-loras shape /v1/models and /metrics', async () => {
  const sim = startSim([
    '--replicas',
    '1',
    '--port',
    '0',
    '--profile',
    'fast',
    '--served-model-name',
    'small',
    '--served-model-name',
    'small-alias',
    '--lora-modules',
    'sql=/adapters/sql',
    '--lora-modules',
    '{"name":"tone","path":"/adapters/tone","base_model_name":"small-alias"}',
    '--max-loras',
    '2',
  ]);
  try {
    const deadline = Date.now() + 30_000;
    while (!/listening on (\S+)/.test(sim.out()) && Date.now() < deadline && sim.child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const url = /listening on (\S+)/.exec(sim.out())?.[1];
    assert.ok(url, `sim output:\n${sim.out()}\n${sim.err()}`);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string; parent: unknown }> };
    assert.deepEqual(
      models.data.map((m) => [m.id, m.parent]),
      [
        ['small', null],
        ['small-alias', null],
        ['sql', 'small'],
        ['tone', 'small-alias'],
      ],
    );
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /vllm:lora_requests_info\{max_lora="2",running_lora_adapters="",waiting_lora_adapters=""\}/);
    assert.match(metrics, /model_name="small"/);
    sim.child.kill('SIGINT');
    assert.equal(await sim.exited, 0);
  } finally {
    if (sim.child.exitCode === null) sim.child.kill('SIGKILL');
  }
});

test('a malformed --lora-modules is exit code 2 with the reason', async () => {
  const sim = startSim(['--replicas', '1', '--port', '0', '--lora-modules', 'no-path']);
  assert.equal(await sim.exited, 2);
  assert.match(sim.err(), /--lora-modules no-path: expected name=path/);
});
