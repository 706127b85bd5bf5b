// A replica that has seen a prefix serves it from its KV cache; a cold replica does not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { postJson } from './helpers';

let fleet: SimFleet;

before(async () => {
  fleet = await startSimFleet({ replicas: 2, profile: 'fast', promptTokensDetails: true });
});

after(async () => {
  await fleet.close();
});

const system = { role: 'system', content: 'You are a careful assistant for a routing team. '.repeat(30) };
const turn = (question: string) => ({ messages: [system, { role: 'user', content: question }], max_tokens: 4 });
type UsageBody = { usage: { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } | null } };

test('the second request with a shared system prompt hits the cache on the same replica only', async () => {
  const [warm, cold] = fleet.urls;
  const first = (await postJson(`${warm}/v1/chat/completions`, turn('First question?'))).body as unknown as UsageBody;
  assert.equal(first.usage.prompt_tokens_details, null);
  const second = (await postJson(`${warm}/v1/chat/completions`, turn('Second one?'))).body as unknown as UsageBody;
  const cached = second.usage.prompt_tokens_details?.cached_tokens ?? 0;
  // The shared part is the system prompt and the template around it, in whole 16-token blocks.
  const sharedTokens = Math.floor((system.content.length + 40) / 4);
  assert.ok(cached >= sharedTokens - 32 && cached < second.usage.prompt_tokens, `cached ${cached} of ${sharedTokens}`);
  assert.equal(cached % 16, 0);
  const elsewhere = (await postJson(`${cold}/v1/chat/completions`, turn('Second one?'))).body as unknown as UsageBody;
  assert.equal(elsewhere.usage.prompt_tokens_details, null);
  assert.equal(fleet.replicas[1]!.engine.stats.prefixCacheHits, 0);
});
