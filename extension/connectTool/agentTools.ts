// Settings for the agentic coding tools, as the user pastes them: Codex CLI (~/.codex/config.toml, a model provider
// speaking the Responses API) and Claude Code (environment variables for the Anthropic Messages API). A required
// clientToken is named by an environment variable, never written out. No vscode import.
import type { EndpointFacts } from './toolSettings';

const TOKEN_VARIABLE = 'VLLM_POOLS_CLIENT_TOKEN';
const PLACEHOLDER_KEY = 'vllm-pools';

function tomlString(value: string): string {
  return JSON.stringify(value);
}

/** Codex CLI: a `model_providers` entry with `wire_api = "responses"`, selected with `model_provider`. */
export function codexText(facts: EndpointFacts): string {
  const first = facts.models[0];
  const lines = [
    '# vLLM Pools: Codex CLI settings for ~/.codex/config.toml (Codex reads it at start).',
    '# Root keys (model, model_provider, ...) must come before any [table] in the file.',
    `model = ${tomlString(first?.id ?? 'MODEL')}`,
    'model_provider = "vllm-pools"',
  ];
  if (first?.contextTokens) {
    lines.push(
      `model_context_window = ${first.contextTokens}`,
      `model_auto_compact_token_limit = ${Math.floor(first.contextTokens * 0.8)}`,
    );
  }
  lines.push(
    '',
    '[model_providers.vllm-pools]',
    'name = "vLLM Pools"',
    `base_url = ${tomlString(facts.endpoint)}`,
    'wire_api = "responses"',
  );
  if (facts.tokenRequired) {
    lines.push(`env_key = "${TOKEN_VARIABLE}"   # export ${TOKEN_VARIABLE} with your clientToken from vllm-pools.yaml`);
  }
  const others = facts.models.slice(1).map((model) => model.id);
  if (others.length > 0) lines.push('', `# Other models of the pools (codex --model ID): ${others.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** The base URL Anthropic clients want: the endpoint without its trailing /v1 (the SDK adds /v1/messages). */
export function anthropicBaseUrl(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** Claude Code: the gateway variables, for the user's shell (POSIX or PowerShell). */
export function claudeCodeText(facts: EndpointFacts): string {
  const model = facts.models[0]?.id ?? 'MODEL';
  const variables: [string, string, string?][] = [
    ['ANTHROPIC_BASE_URL', anthropicBaseUrl(facts.endpoint)],
    ['ANTHROPIC_AUTH_TOKEN', facts.tokenRequired ? '' : PLACEHOLDER_KEY, 'sent as Authorization: Bearer'],
    ['ANTHROPIC_MODEL', model],
    ['ANTHROPIC_DEFAULT_OPUS_MODEL', model],
    ['ANTHROPIC_DEFAULT_SONNET_MODEL', model],
    ['ANTHROPIC_DEFAULT_HAIKU_MODEL', model, 'background tasks'],
    ['ANTHROPIC_SMALL_FAST_MODEL', model, 'Claude Code 1.x'],
    ['CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC', '1', 'no telemetry or update checks to Anthropic'],
  ];
  const windows = facts.platform === 'windows';
  const lines = [
    `# vLLM Pools: Claude Code through ${facts.endpoint}/messages (${windows ? 'PowerShell' : 'shell'}; start claude afterwards).`,
  ];
  for (const [name, value, note] of variables) {
    const comment = note ? `   # ${note}` : '';
    if (name === 'ANTHROPIC_AUTH_TOKEN' && facts.tokenRequired) {
      lines.push(
        windows ? `$env:${name} = $env:${TOKEN_VARIABLE}${comment}` : `export ${name}="$${TOKEN_VARIABLE}"${comment}`,
      );
    } else {
      lines.push(windows ? `$env:${name} = "${value}"${comment}` : `export ${name}=${value}${comment}`);
    }
  }
  if (facts.tokenRequired) lines.push(`# ${TOKEN_VARIABLE}: your clientToken from vllm-pools.yaml.`);
  const others = facts.models.slice(1).map((m) => m.id);
  if (others.length > 0) lines.push(`# Other models of the pools (/model ID): ${others.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
