// Model aliases through the official `openai` client: a tool that insists on its own model name (here `gpt-4o`) is
// served by the pool's model; the list shows the alias, the answer keeps the name the engine wrote.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type CompatSetup, SIM_MODEL, startCompatSetup } from './compatSetup';

let setup: CompatSetup;
let client: OpenAI;

before(async () => {
  setup = await startCompatSetup({ aliases: { 'gpt-4o': SIM_MODEL, 'gpt-ghost': 'no-such-model' } });
  client = new OpenAI({ baseURL: setup.endpoint, apiKey: 'k', maxRetries: 0 });
});

after(async () => {
  await setup.close();
});

test('an alias is listed with its model, and a request under it is served by that model', async () => {
  const ids = (await client.models.list()).data.map((model) => model.id);
  assert.ok(ids.includes('gpt-4o'), ids.join(', '));
  assert.ok(!ids.includes('gpt-ghost'), 'an alias of a model no pool serves is not listed');
  const completion = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 4,
  });
  assert.equal(completion.model, SIM_MODEL);
  assert.ok((completion.choices[0]?.message.content ?? '').length > 0);
  const stream = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 4,
    stream: true,
  });
  for await (const chunk of stream) assert.equal(chunk.model, SIM_MODEL);
});

test('an alias of a model no pool serves gets the 404 naming the model it stands for', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-ghost', messages: [{ role: 'user', content: 'x' }], max_tokens: 2 }),
    (error: unknown) => {
      assert.ok(error instanceof OpenAI.NotFoundError, String(error));
      assert.match(error.message, /no-such-model/);
      return true;
    },
  );
});
