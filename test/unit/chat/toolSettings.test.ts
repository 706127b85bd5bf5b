import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  type EndpointFacts,
  mergeContinueConfig,
  mergeCopilotModels,
  PLACEHOLDER_KEY,
  TOOL_CHOICES,
  toolSettings,
} from '../../../extension/connectTool/toolSettings';

const facts: EndpointFacts = {
  endpoint: 'http://127.0.0.1:8800/v1',
  models: [{ id: 'meta-llama/Llama-3.1-8B-Instruct', contextTokens: 32768 }, { id: 'qwen-coder' }],
  tokenRequired: false,
  platform: 'posix',
};

test('every choice of the quick pick produces text that names the endpoint', () => {
  assert.deepEqual(
    TOOL_CHOICES.map((choice) => choice.id),
    ['continue', 'cline', 'copilot', 'codex', 'claude-code', 'openai', 'env'],
  );
  for (const choice of TOOL_CHOICES) assert.ok(toolSettings(choice.id, facts).text.includes(facts.endpoint), choice.id);
});

test('Continue: a valid YAML models list, one vllm entry per model, context length when known', () => {
  const settings = toolSettings('continue', facts);
  assert.equal(settings.language, 'yaml');
  const parsed = parse(settings.text) as { models: Array<Record<string, unknown>> };
  assert.deepEqual(parsed.models[0], {
    name: 'Llama-3.1-8B-Instruct (vLLM Pools)',
    provider: 'vllm',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    apiBase: 'http://127.0.0.1:8800/v1',
    apiKey: PLACEHOLDER_KEY,
    roles: ['chat', 'edit', 'apply', 'autocomplete'],
    defaultCompletionOptions: { contextLength: 32768 },
  });
  assert.equal(parsed.models[1]?.['defaultCompletionOptions'], undefined);
});

test('Continue merge keeps the other models, keys and comments, and updates our entries in place', () => {
  const existing = `# my assistant
name: Mine
version: 1.0.0
schema: v1
models:
  - name: GPT # cloud
    provider: openai
    model: gpt-4o
    apiKey: sk-secret
  - name: old
    provider: vllm
    model: qwen-coder
    apiBase: http://127.0.0.1:8800/v1
    roles: [chat]
context:
  - provider: code
`;
  const { text, added, updated } = mergeContinueConfig(existing, facts);
  assert.deepEqual(added, ['meta-llama/Llama-3.1-8B-Instruct']);
  assert.deepEqual(updated, ['qwen-coder']);
  assert.ok(text.startsWith('# my assistant\n'));
  assert.ok(text.includes('# cloud'));
  const parsed = parse(text) as { name: string; models: Array<Record<string, unknown>>; context: unknown[] };
  assert.equal(parsed.name, 'Mine');
  assert.deepEqual(parsed.context, [{ provider: 'code' }]);
  assert.equal(parsed.models.length, 3);
  assert.deepEqual(parsed.models[0], { name: 'GPT', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-secret' });
  assert.deepEqual(parsed.models[1]?.['roles'], ['chat', 'edit', 'apply', 'autocomplete']);
  assert.equal(parsed.models[2]?.['model'], 'meta-llama/Llama-3.1-8B-Instruct');
  // Merging twice changes nothing more.
  const again = mergeContinueConfig(text, facts);
  assert.equal(again.text, text);
  assert.deepEqual(again.added, []);
});

test('Continue merge: a missing file gets the required top-level keys; a broken one is refused, not overwritten', () => {
  const fresh = parse(mergeContinueConfig(undefined, facts).text) as Record<string, unknown>;
  assert.equal(fresh['schema'], 'v1');
  assert.equal((fresh['models'] as unknown[]).length, 2);
  const flow = parse(mergeContinueConfig('name: a\nversion: 1\nschema: v1\nmodels: []\n', facts).text) as {
    models: unknown[];
  };
  assert.equal(flow.models.length, 2);
  assert.throws(() => mergeContinueConfig('models: [\n', facts), /does not parse/);
  assert.throws(() => mergeContinueConfig('models: 3\n', facts), /not a list/);
});

test('Copilot customOAIModels: entries per model, others kept; the token is never written', () => {
  const merged = mergeCopilotModels({ 'my-cloud': { name: 'x', url: 'https://a' } }, facts);
  assert.deepEqual(Object.keys(merged), ['my-cloud', 'meta-llama/Llama-3.1-8B-Instruct', 'qwen-coder']);
  assert.deepEqual(merged['meta-llama/Llama-3.1-8B-Instruct'], {
    name: 'Llama-3.1-8B-Instruct (vLLM Pools)',
    url: 'http://127.0.0.1:8800/v1',
    toolCalling: true,
    vision: false,
    thinking: false,
    maxInputTokens: 28672,
    maxOutputTokens: 4096,
    requiresAPIKey: false,
  });
  assert.deepEqual(Object.keys(mergeCopilotModels(undefined, facts)).length, 2);
  const { text, language } = toolSettings('copilot', facts);
  assert.equal(language, 'jsonc', 'the snippet has // comments: JSON with Comments, not JSON');
  assert.doesNotThrow(() => JSON.parse(text.replace(/^\/\/.*$/gm, '')));
});

test('with a clientToken, tools are told to send it (a placeholder, never a value); env vars per platform', () => {
  const guarded = { ...facts, tokenRequired: true };
  assert.match(toolSettings('cline', guarded).text, /<your clientToken from vllm-pools.yaml>/);
  assert.match(toolSettings('env', guarded).text, /export OPENAI_API_KEY="\$VLLM_POOLS_CLIENT_TOKEN"/);
  assert.equal(
    mergeCopilotModels({}, guarded)['qwen-coder'] &&
      (mergeCopilotModels({}, guarded)['qwen-coder'] as { requiresAPIKey: boolean }).requiresAPIKey,
    true,
  );
  const posix = toolSettings('env', facts).text;
  assert.match(posix, /^export OPENAI_BASE_URL=http:\/\/127\.0\.0\.1:8800\/v1$/m);
  assert.match(posix, /^export OPENAI_API_KEY=vllm-pools$/m);
  const windows = toolSettings('env', { ...facts, platform: 'windows' });
  assert.equal(windows.language, 'powershell');
  assert.match(windows.text, /^\$env:OPENAI_BASE_URL = "http:\/\/127\.0\.0\.1:8800\/v1"$/m);
});

test('Cline / Roo Code: the fields of the OpenAI Compatible provider, with the context window', () => {
  const text = toolSettings('cline', facts).text;
  assert.match(text, /OpenAI Compatible/);
  assert.match(text, /\| Base URL \| `http:\/\/127\.0\.0\.1:8800\/v1` \|/);
  assert.match(text, /\| Model ID \| `meta-llama\/Llama-3\.1-8B-Instruct` \|/);
  assert.match(text, /\| Context Window Size \| `32768` \|/);
});
