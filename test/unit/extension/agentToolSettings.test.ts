import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anthropicBaseUrl } from '../../../extension/connectTool/agentTools';
import { type EndpointFacts, toolSettings } from '../../../extension/connectTool/toolSettings';

const facts: EndpointFacts = {
  endpoint: 'http://127.0.0.1:8800/v1',
  models: [{ id: 'Qwen/Qwen3-Coder-30B', contextTokens: 65536 }, { id: 'llama-8b' }],
  tokenRequired: false,
  platform: 'posix',
};

test('Codex CLI: root keys before the provider table, a Responses provider at the sidecar, context from the replicas', () => {
  const settings = toolSettings('codex', facts);
  assert.equal(settings.language, 'ini');
  const text = settings.text;
  assert.match(text, /^model = "Qwen\/Qwen3-Coder-30B"$/m);
  assert.match(text, /^model_provider = "vllm-pools"$/m);
  assert.match(text, /^model_context_window = 65536$/m);
  assert.match(text, /^model_auto_compact_token_limit = 52428$/m);
  assert.match(
    text,
    /^\[model_providers\.vllm-pools\]\nname = "vLLM Pools"\nbase_url = "http:\/\/127\.0\.0\.1:8800\/v1"\nwire_api = "responses"$/m,
  );
  assert.ok(text.indexOf('model_provider =') < text.indexOf('[model_providers'));
  assert.ok(!text.includes('env_key'));
  assert.match(text, /# Other models of the pools \(codex --model ID\): llama-8b/);
  const unknownContext = toolSettings('codex', { ...facts, models: [{ id: 'm' }] }).text;
  assert.ok(!unknownContext.includes('model_context_window'));
});

test('Codex CLI with a clientToken: env_key names the variable, the value is never written', () => {
  const text = toolSettings('codex', { ...facts, tokenRequired: true }).text;
  assert.match(text, /^env_key = "VLLM_POOLS_CLIENT_TOKEN"/m);
  assert.ok(!/sk-|clientToken: /.test(text));
});

test('Claude Code: base URL without /v1, bearer token, every model variable, per platform', () => {
  const posix = toolSettings('claude-code', facts);
  assert.equal(posix.language, 'shellscript');
  assert.match(posix.text, /^export ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:8800$/m);
  assert.match(posix.text, /^export ANTHROPIC_AUTH_TOKEN=vllm-pools /m);
  for (const name of [
    'ANTHROPIC_MODEL',
    'ANTHROPIC_DEFAULT_SONNET_MODEL',
    'ANTHROPIC_DEFAULT_HAIKU_MODEL',
    'ANTHROPIC_SMALL_FAST_MODEL',
  ]) {
    assert.match(posix.text, new RegExp(`^export ${name}=Qwen/Qwen3-Coder-30B`, 'm'), name);
  }
  const guarded = toolSettings('claude-code', { ...facts, tokenRequired: true }).text;
  assert.match(guarded, /^export ANTHROPIC_AUTH_TOKEN="\$VLLM_POOLS_CLIENT_TOKEN"/m);
  const windows = toolSettings('claude-code', { ...facts, platform: 'windows', tokenRequired: true });
  assert.equal(windows.language, 'powershell');
  assert.match(windows.text, /^\$env:ANTHROPIC_BASE_URL = "http:\/\/127\.0\.0\.1:8800"/m);
  assert.match(windows.text, /^\$env:ANTHROPIC_AUTH_TOKEN = \$env:VLLM_POOLS_CLIENT_TOKEN/m);
});

test('the Anthropic base URL of pool-scoped and plain endpoints', () => {
  assert.equal(anthropicBaseUrl('http://127.0.0.1:8800/v1'), 'http://127.0.0.1:8800');
  assert.equal(anthropicBaseUrl('http://127.0.0.1:8800/pools/llama-8b/v1/'), 'http://127.0.0.1:8800/pools/llama-8b');
  assert.equal(anthropicBaseUrl('http://127.0.0.1:8800'), 'http://127.0.0.1:8800');
});
