// What a replica serves: --lora-modules parsing, name resolution, and vLLM's load/unload answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLoraModule, ServedModels } from '../../../sim/servedModels';

test('--lora-modules takes name=path or the JSON form; anything else is a clear error', () => {
  assert.deepEqual(parseLoraModule('sql=/adapters/sql'), { name: 'sql', path: '/adapters/sql' });
  assert.deepEqual(parseLoraModule('{"name":"a","path":"/p","base_model_name":"m"}'), {
    name: 'a',
    path: '/p',
    base: 'm',
  });
  for (const bad of ['sql', '=p', 'sql=', '{"name":"a"}', '{oops']) {
    assert.equal(typeof parseLoraModule(bad), 'string', bad);
  }
});

test('resolve: no model or any served name is the base model, a loaded adapter is itself, the rest nothing', () => {
  const models = new ServedModels({ names: ['m', 'alias'], root: '/models/m', loras: [{ name: 'a', path: '/a' }] });
  assert.equal(models.primary, 'm');
  assert.equal(models.loraEnabled, true);
  assert.equal(models.maxLoras, 1);
  for (const name of [undefined, null, '', 'm', 'alias']) assert.deepEqual(models.resolve(name), { kind: 'base' });
  assert.deepEqual(models.resolve('a'), { kind: 'lora', adapter: { name: 'a', path: '/a', parent: 'm', id: 1 } });
  assert.equal(models.resolve('b'), undefined);
  assert.equal(models.resolve(42), undefined);
});

test("load and unload give vLLM's messages and error types; ids count up", () => {
  const models = new ServedModels({ names: ['m'], root: 'm', enableLora: true });
  assert.deepEqual(models.load('a', '/a'), { ok: true, message: "Success: LoRA adapter 'a' added successfully." });
  assert.deepEqual(models.load('a', '/a'), {
    ok: false,
    status: 400,
    type: 'InvalidUserInput',
    message: "The lora adapter 'a' has already been loaded.",
  });
  assert.equal(models.load('', '/b').ok, false);
  assert.equal(models.load('b', '/b').ok, true);
  assert.deepEqual(
    models.adapterList.map((a) => a.id),
    [1, 2],
  );
  assert.deepEqual(models.unload('a'), { ok: true, message: "Success: LoRA adapter 'a' removed successfully." });
  assert.deepEqual(models.unload('a'), {
    ok: false,
    status: 404,
    type: 'NotFoundError',
    message: "The lora adapter 'a' cannot be found.",
  });
});

test('a LoRA module for a base name not served, an empty name or max-loras 0 refuse to start', () => {
  assert.throws(() => new ServedModels({ names: ['m'], root: 'm', loras: [{ name: 'a', path: '/a', base: 'x' }] }));
  assert.throws(() => new ServedModels({ names: [''], root: 'm' }));
  assert.throws(() => new ServedModels({ names: ['m'], root: 'm', maxLoras: 0 }));
  assert.equal(new ServedModels({ names: ['m'], root: 'm' }).loraEnabled, false);
});
