// The exact settings each AI tool needs for the local endpoint, as text to show, copy or merge. No vscode import.
// Merges add or update only this endpoint's entries and keep everything else (comments included, for YAML).
import { isMap, isSeq, parseDocument, stringify, YAMLMap, YAMLSeq } from 'yaml';
import { claudeCodeText, codexText } from './agentTools';

export type ToolId = 'continue' | 'cline' | 'copilot' | 'codex' | 'claude-code' | 'openai' | 'env';

export interface ToolChoice {
  id: ToolId;
  label: string;
  description: string;
}

export const TOOL_CHOICES: readonly ToolChoice[] = [
  {
    id: 'continue',
    label: 'Continue',
    description: 'models entries for ~/.continue/config.yaml (chat, edit, autocomplete)',
  },
  { id: 'cline', label: 'Cline / Roo Code', description: '"OpenAI Compatible" provider: base URL, key, model id' },
  { id: 'copilot', label: 'GitHub Copilot custom models (BYOK)', description: 'github.copilot.chat.customOAIModels' },
  { id: 'codex', label: 'Codex CLI', description: 'a Responses API model provider for ~/.codex/config.toml' },
  {
    id: 'claude-code',
    label: 'Claude Code',
    description: 'ANTHROPIC_BASE_URL, token and model variables (Anthropic Messages API)',
  },
  { id: 'openai', label: 'Other OpenAI-compatible tools', description: 'base URL, key, models, a curl check' },
  { id: 'env', label: 'Environment variables for scripts', description: 'OPENAI_BASE_URL, OPENAI_API_KEY' },
];

export interface EndpointModel {
  id: string;
  /** vLLM's max_model_len, when a replica reported it. */
  contextTokens?: number | undefined;
}

export interface EndpointFacts {
  /** e.g. http://127.0.0.1:8800/v1 */
  endpoint: string;
  models: readonly EndpointModel[];
  /** The config sets clientToken: tools must send it (its value is never put in generated text). */
  tokenRequired: boolean;
  platform: 'posix' | 'windows';
}

export interface ToolSettings {
  tool: ToolId;
  /** Language id for the document that shows the text. */
  language: 'yaml' | 'json' | 'jsonc' | 'ini' | 'markdown' | 'shellscript' | 'powershell';
  text: string;
}

/** Any non-empty key works without a clientToken (Cline refuses an empty one). */
export const PLACEHOLDER_KEY = 'vllm-pools';
const TOKEN_HINT = '<your clientToken from vllm-pools.yaml>';
const MAX_OUTPUT_TOKENS = 4096;

function apiKey(facts: EndpointFacts): string {
  return facts.tokenRequired ? TOKEN_HINT : PLACEHOLDER_KEY;
}

function shortName(id: string): string {
  return id.split('/').pop() || id;
}

function outputTokens(model: EndpointModel): number {
  return Math.min(MAX_OUTPUT_TOKENS, Math.floor((model.contextTokens ?? 8192) / 4));
}

/** One Continue `models:` entry per model of the pools (provider vllm: autocomplete goes through /completions). */
export function continueModelEntries(facts: EndpointFacts): Record<string, unknown>[] {
  return facts.models.map((model) => ({
    name: `${shortName(model.id)} (vLLM Pools)`,
    provider: 'vllm',
    model: model.id,
    apiBase: facts.endpoint,
    apiKey: apiKey(facts),
    roles: ['chat', 'edit', 'apply', 'autocomplete'],
    ...(model.contextTokens ? { defaultCompletionOptions: { contextLength: model.contextTokens } } : {}),
  }));
}

/**
 * Adds this endpoint's models to a Continue config.yaml text (undefined: the file does not exist yet). Entries already
 * there for the same model and apiBase are updated in place; other models, keys and comments stay as they were.
 */
export function mergeContinueConfig(
  existing: string | undefined,
  facts: EndpointFacts,
): { text: string; added: string[]; updated: string[] } {
  const doc = parseDocument(
    existing && existing.trim() !== '' ? existing : 'name: Local Assistant\nversion: 1.0.0\nschema: v1\n',
  );
  if (doc.errors.length > 0) throw new Error(`config.yaml does not parse: ${doc.errors[0]?.message ?? 'YAML error'}`);
  if (!isMap(doc.contents)) throw new Error('config.yaml is not a YAML mapping');
  let models = doc.get('models');
  if (models === undefined || models === null) {
    models = new YAMLSeq();
    doc.set('models', models);
  }
  if (!isSeq(models)) throw new Error('`models` in config.yaml is not a list');
  if (models.items.length === 0) models.flow = false;
  const added: string[] = [];
  const updated: string[] = [];
  for (const entry of continueModelEntries(facts)) {
    const index = models.items.findIndex(
      (item) => isMap(item) && item.get('model') === entry['model'] && item.get('apiBase') === facts.endpoint,
    );
    const node = doc.createNode(entry);
    if (index >= 0) {
      const current = models.items[index];
      if (isMap(current) && node instanceof YAMLMap) {
        for (const pair of node.items) current.set(pair.key, pair.value);
      }
      updated.push(String(entry['model']));
    } else {
      models.items.push(node);
      added.push(String(entry['model']));
    }
  }
  return { text: doc.toString(), added, updated };
}

export interface CopilotModelEntry {
  name: string;
  url: string;
  toolCalling: boolean;
  vision: boolean;
  thinking: boolean;
  maxInputTokens: number;
  maxOutputTokens: number;
  requiresAPIKey: boolean;
}

export function copilotModels(facts: EndpointFacts): Record<string, CopilotModelEntry> {
  const entries: Record<string, CopilotModelEntry> = {};
  for (const model of facts.models) {
    const output = outputTokens(model);
    entries[model.id] = {
      name: `${shortName(model.id)} (vLLM Pools)`,
      url: facts.endpoint,
      toolCalling: true,
      vision: false,
      thinking: false,
      maxInputTokens: (model.contextTokens ?? 8192) - output,
      maxOutputTokens: output,
      requiresAPIKey: facts.tokenRequired,
    };
  }
  return entries;
}

/** The customOAIModels setting with this endpoint's models added or updated; other entries untouched. */
export function mergeCopilotModels(existing: unknown, facts: EndpointFacts): Record<string, unknown> {
  const base =
    typeof existing === 'object' && existing !== null && !Array.isArray(existing)
      ? { ...(existing as Record<string, unknown>) }
      : {};
  return { ...base, ...copilotModels(facts) };
}

export function toolSettings(tool: ToolId, facts: EndpointFacts): ToolSettings {
  switch (tool) {
    case 'continue':
      return { tool, language: 'yaml', text: continueText(facts) };
    case 'cline':
      return { tool, language: 'markdown', text: clineText(facts) };
    case 'copilot':
      // `//` comments: JSON with Comments, or Problems reports them as errors.
      return { tool, language: 'jsonc', text: copilotText(facts) };
    case 'codex':
      // VS Code ships no TOML language; its INI grammar highlights the same syntax.
      return { tool, language: 'ini', text: codexText(facts) };
    case 'claude-code':
      return {
        tool,
        language: facts.platform === 'windows' ? 'powershell' : 'shellscript',
        text: claudeCodeText(facts),
      };
    case 'openai':
      return { tool, language: 'markdown', text: openAIText(facts) };
    case 'env':
      return facts.platform === 'windows'
        ? { tool, language: 'powershell', text: envText(facts) }
        : { tool, language: 'shellscript', text: envText(facts) };
  }
}

function tokenNote(facts: EndpointFacts, comment: string): string {
  return facts.tokenRequired
    ? `${comment} This endpoint requires its clientToken (vllm-pools.yaml) as the API key.\n`
    : `${comment} Any non-empty API key is accepted (the sidecar adds each replica's own key).\n`;
}

function continueText(facts: EndpointFacts): string {
  const text = stringify({ models: continueModelEntries(facts) });
  return `# vLLM Pools: add these under \`models:\` in ~/.continue/config.yaml (your other models stay as they are).\n${tokenNote(facts, '#')}${text}`;
}

function modelList(facts: EndpointFacts): string {
  if (facts.models.length === 0) return '- (no model yet: start the sidecar and wait for a healthy replica)\n';
  return facts.models
    .map((m) => `- \`${m.id}\`${m.contextTokens ? ` (context ${m.contextTokens} tokens)` : ''}\n`)
    .join('');
}

function clineText(facts: EndpointFacts): string {
  const first = facts.models[0];
  return `# Cline / Roo Code → vLLM Pools

In the extension's settings (gear icon) choose **API Provider: OpenAI Compatible**, then:

| field | value |
| --- | --- |
| Base URL | \`${facts.endpoint}\` |
| API Key | \`${apiKey(facts)}\` |
| Model ID | \`${first?.id ?? '<a model id below>'}\` |
| Context Window Size | \`${first?.contextTokens ?? 8192}\` |
| Max Output Tokens | \`${first ? outputTokens(first) : 2048}\` |

${tokenNote(facts, '>')}
Models of the pools:

${modelList(facts)}`;
}

function copilotText(facts: EndpointFacts): string {
  return `// vLLM Pools: "github.copilot.chat.customOAIModels" in your user settings.json (entries for other models stay).
// The same models are also offered directly in the chat model picker under "vLLM Pools" by this extension.
${JSON.stringify({ 'github.copilot.chat.customOAIModels': copilotModels(facts) }, null, 2)}
`;
}

function openAIText(facts: EndpointFacts): string {
  const model = facts.models[0]?.id ?? 'MODEL';
  const auth = facts.tokenRequired ? '$VLLM_POOLS_CLIENT_TOKEN' : PLACEHOLDER_KEY;
  return `# Any OpenAI-compatible tool → vLLM Pools

- Base URL: \`${facts.endpoint}\` (paths without \`/v1\` work too)
- API key: \`${apiKey(facts)}\`
- Endpoints: \`/chat/completions\` (streaming, tools), \`/completions\`, \`/embeddings\`, \`/responses\`, \`/models\`

${tokenNote(facts, '>')}
Models:

${modelList(facts)}
Check from a terminal:

\`\`\`sh
curl -N ${facts.endpoint}/chat/completions -H "Authorization: Bearer ${auth}" -H "Content-Type: application/json" \\
  -d '{"model": "${model}", "stream": true, "messages": [{"role": "user", "content": "Say hello"}]}'
\`\`\`
`;
}

function envText(facts: EndpointFacts): string {
  const model = facts.models[0]?.id ?? '';
  if (facts.platform === 'windows') {
    const key = facts.tokenRequired ? '$env:VLLM_POOLS_CLIENT_TOKEN' : `"${PLACEHOLDER_KEY}"`;
    return `# vLLM Pools: for scripts that use an OpenAI SDK (PowerShell)
$env:OPENAI_BASE_URL = "${facts.endpoint}"
$env:OPENAI_API_KEY = ${key}
$env:OPENAI_API_BASE = "${facts.endpoint}"   # older clients
$env:OPENAI_MODEL = "${model}"
`;
  }
  const key = facts.tokenRequired ? '"$VLLM_POOLS_CLIENT_TOKEN"' : PLACEHOLDER_KEY;
  return `# vLLM Pools: for scripts that use an OpenAI SDK
export OPENAI_BASE_URL=${facts.endpoint}
export OPENAI_API_KEY=${key}
export OPENAI_API_BASE=${facts.endpoint}   # older clients
export OPENAI_MODEL=${model}
`;
}
