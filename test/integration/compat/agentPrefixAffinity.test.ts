// Prefix affinity on agents' traffic, through the sidecar with the official clients: Codex-style Responses requests
// and Claude-Code-style Messages requests that all share one long set of instructions / system prompt and tools (the
// team's), each conversation with its own repository context and a history that grows turn by turn (stateless: the
// client re-sends everything). prefix-aware must keep every conversation on one replica (its own prefix is cached
// there) and must not put every conversation where the shared instructions are (they are the same everywhere).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool } from '../sidecar/testConfig';
import { SIM_MODEL } from './compatSetup';

const CONVERSATIONS = 6;
const TURNS = 3;
const SHARED = `You are a coding agent working in the user's repository. ${'Follow the team conventions. '.repeat(150)}`;
const TOOL_SCHEMA = {
  type: 'object' as const,
  properties: { path: { type: 'string', description: 'A path in the repository. '.repeat(20) } },
  required: ['path'],
};

let fleet: SimFleet;
let sidecar: RunningSidecar;

before(async () => {
  fleet = await startSimFleet({ replicas: 3, profile: 'fast', seed: 11 });
  const pool = testPool(
    'sim',
    fleet.urls.map((url, i) => ({ url, name: `sim-${i}` })),
  );
  const config = testConfig([{ ...pool, algorithm: 'prefix-aware' }], {
    engineMetrics: { enabled: true, interval: 200 },
  });
  sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
});

after(async () => {
  await sidecar.close(200);
  await fleet.close();
});

/** A repository context of its own per conversation (~6 KB). */
function repositoryContext(conversation: number): string {
  const files = Array.from(
    { length: 40 },
    (_, i) => `src/module${conversation}_${i}.ts: export const value${i} = ${i};`,
  );
  return `Repository ${conversation} (${'x'.repeat(conversation)}):\n${files.join('\n')}\n${files.join('\n')}`;
}

function assertAffinity(placements: string[][]): void {
  for (const [conversation, replicas] of placements.entries()) {
    assert.equal(new Set(replicas).size, 1, `conversation ${conversation} moved between replicas: ${replicas}`);
  }
  const used = new Set(placements.map((replicas) => replicas[0]));
  assert.ok(used.size >= 2, `${CONVERSATIONS} conversations sharing the instructions all went to ${[...used]}`);
}

test('Responses API (Codex-style): each conversation stays on one replica; the shared instructions do not pull all', async () => {
  const openai = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'k', maxRetries: 0 });
  const tools = [
    {
      type: 'function' as const,
      name: 'read_file',
      description: 'Reads a file.',
      parameters: TOOL_SCHEMA,
      strict: false,
    },
  ];
  const placements: string[][] = Array.from({ length: CONVERSATIONS }, () => []);
  const histories: OpenAI.Responses.ResponseInputItem[][] = Array.from({ length: CONVERSATIONS }, (_, c) => [
    { role: 'user', content: repositoryContext(c) },
  ]);
  for (let turn = 0; turn < TURNS; turn++) {
    for (let c = 0; c < CONVERSATIONS; c++) {
      const input = histories[c]!;
      input.push({ role: 'user', content: `Turn ${turn}: what does module ${c} export?` });
      const { data, response } = await openai.responses
        .create({ model: SIM_MODEL, instructions: SHARED, tools, input, max_output_tokens: 8, store: false })
        .withResponse();
      placements[c]!.push(response.headers.get('x-vllm-pools-replica') ?? '?');
      input.push({ role: 'assistant', content: data.output_text });
    }
  }
  assertAffinity(placements);
});

test('Anthropic Messages (Claude-Code-style): each conversation stays on one replica; the shared system does not pull all', async () => {
  const anthropic = new Anthropic({ baseURL: sidecar.url, apiKey: 'k', maxRetries: 0 });
  const tools = [{ name: 'read_file', description: 'Reads a file.', input_schema: TOOL_SCHEMA }];
  const placements: string[][] = Array.from({ length: CONVERSATIONS }, () => []);
  const histories: Anthropic.MessageParam[][] = Array.from({ length: CONVERSATIONS }, () => []);
  for (let turn = 0; turn < TURNS; turn++) {
    for (let c = 0; c < CONVERSATIONS; c++) {
      const messages = histories[c]!;
      const question = `Turn ${turn}: what does module ${c} export?`;
      messages.push({ role: 'user', content: turn === 0 ? `${repositoryContext(c + 100)}\n${question}` : question });
      const { data, response } = await anthropic.messages
        .create({ model: SIM_MODEL, system: SHARED, tools, messages, max_tokens: 8 })
        .withResponse();
      placements[c]!.push(response.headers.get('x-vllm-pools-replica') ?? '?');
      const text = data.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      messages.push({ role: 'assistant', content: text || 'ok' });
    }
  }
  assertAffinity(placements);
});
