// The agentic workload on the agents' wires (issue 18): request builders (Codex CLI's Responses input, Claude Code's
// Messages), the prefix key the sidecar's dialects derive from them (the team prompt and tools as the shared lead, the
// repository context right after, conversations that keep their prefix), the stream readers, and each protocol
// streamed against a simulated replica.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from 'undici';
import { agenticWorkload } from '../../../bench/agentic';
import { readStreamMessage } from '../../../bench/agentStreams';
import { AGENT_PROTOCOLS, type AgentProtocol, wireRequest } from '../../../bench/agentWire';
import { streamChat } from '../../../bench/streamRequest';
import type { BenchRequest } from '../../../bench/workloads';
import { SseParser } from '../../../core/sse/parser';
import { anthropicDialect } from '../../../sidecar/dialects/anthropic';
import type { Dialect } from '../../../sidecar/dialects/dialect';
import { openaiDialect } from '../../../sidecar/dialects/openai';
import { responsesDialect } from '../../../sidecar/dialects/responses';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';

const workload = agenticWorkload({
  shape: 'test',
  developers: 2,
  conversationsPerDeveloper: 1,
  turns: 3,
  teamTokens: 200,
  repoTokens: 400,
  userTokens: 30,
  answerTokens: 20,
  maxTokens: 3,
  seed: 5,
});
const dev0 = workload.sessions.find((s) => s.group === 'dev-0')!;
const dev1 = workload.sessions.find((s) => s.group === 'dev-1')!;
const TEAM = dev0.turns[0]!.messages[0]!.content;
const REPO0 = dev0.turns[0]!.messages[1]!.content;

const DIALECTS: Record<AgentProtocol, Dialect> = {
  chat: openaiDialect,
  responses: responsesDialect,
  messages: anthropicDialect,
};

/** Loosely typed view of a built body (the builders' output is plain JSON). */
interface Item {
  type?: string;
  role?: string;
  call_id?: string;
  id?: string;
  tool_use_id?: string;
  text?: string;
  content: Item[];
}
interface Body {
  instructions?: string;
  previous_response_id?: string;
  store?: boolean;
  stream?: boolean;
  max_output_tokens?: number;
  tools: unknown[];
  input: Item[];
  system: Item[];
  messages: Item[];
}

function routed(protocol: AgentProtocol, turn: BenchRequest) {
  const wire = wireRequest(protocol, turn, 'm', 'dev-0-conv-0');
  return DIALECTS[protocol].routedRequest(wire.body, wire.headers, wire.path);
}

test('Responses as Codex sends it: instructions, tools, repository context first, tool calls with outputs, no previous_response_id', () => {
  const wire = wireRequest('responses', dev0.turns[2]!, 'm', 'k');
  assert.equal(wire.path, '/v1/responses');
  const body = wire.body as unknown as Body;
  assert.equal(body.instructions, TEAM);
  assert.equal(body.previous_response_id, undefined);
  assert.equal(body.store, false);
  assert.equal(body.stream, true);
  assert.equal(body.max_output_tokens, 3);
  assert.equal(body.tools.length, 4);
  assert.deepEqual(
    body.input.map((item) => (item.type === 'message' ? item.role : item.type)),
    ['user', 'user', 'function_call', 'function_call_output', 'user', 'function_call', 'function_call_output', 'user'],
  );
  assert.equal(body.input[0]!.content[0]!.text, REPO0);
  assert.equal(body.input[2]!.call_id, body.input[3]!.call_id);
});

test('Messages as Claude Code sends it: system block, alternating roles, tool_use answered by tool_result, one cache_control at the end', () => {
  const wire = wireRequest('messages', dev0.turns[2]!, 'm', 'k');
  assert.equal(wire.path, '/v1/messages');
  assert.equal(wire.headers['anthropic-version'], '2023-06-01');
  assert.ok(wire.headers['x-api-key']);
  const body = wire.body as unknown as Body;
  assert.equal(body.system[0]!.text, TEAM);
  assert.deepEqual(
    body.messages.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant', 'user'],
  );
  assert.equal(body.messages[0]!.content[0]!.text, REPO0);
  assert.equal(body.messages[1]!.content[0]!.type, 'tool_use');
  assert.equal(body.messages[2]!.content[0]!.tool_use_id, body.messages[1]!.content[0]!.id);
  const text = JSON.stringify(body.messages);
  assert.equal(text.split('cache_control').length - 1, 1);
  assert.ok(JSON.stringify(body.messages.at(-1)).includes('cache_control'));
});

test('the dialects key every protocol alike: the team prompt (+tools) is the shared lead, a conversation keeps its prefix', () => {
  for (const protocol of AGENT_PROTOCOLS) {
    const turns = dev0.turns.map((turn) => routed(protocol, turn));
    for (let t = 1; t < turns.length; t++) {
      assert.ok(turns[t]!.promptText.startsWith(turns[t - 1]!.promptText.slice(0, -2)), `${protocol}: turn ${t} grows`);
    }
    assert.equal(turns[0]!.newConversation, true, `${protocol}: first turn opens`);
    assert.equal(turns[1]!.newConversation, false, `${protocol}: second turn continues`);
    const lead = turns[0]!.leadMessageChars;
    assert.ok(lead !== undefined, `${protocol}: a lead`);
    const prompt = turns[0]!.promptText;
    assert.ok(prompt.slice(0, lead).includes(TEAM.slice(0, 200)), `${protocol}: the lead holds the team prompt`);
    assert.ok(!prompt.slice(0, lead).includes(REPO0.slice(0, 50)), `${protocol}: the repository context is not in it`);
    const other = routed(protocol, dev1.turns[0]!).promptText;
    let same = 0;
    while (same < prompt.length && prompt[same] === other[same]) same++;
    assert.ok(same >= lead - 1 && same < lead + 200, `${protocol}: two developers share the lead, then differ`);
  }
});

test('stream readers: output events, final usage and the end of each protocol', () => {
  const read = (protocol: AgentProtocol, text: string) => {
    const readings = new SseParser().push(text).map((m) => readStreamMessage(protocol, m));
    return {
      outputs: readings.filter((r) => r.output).length,
      usage: readings
        .map((r) => r.usageTokens)
        .filter((u) => u !== undefined)
        .at(-1),
      done: readings.some((r) => r.done),
      errors: readings.flatMap((r) => (r.error ? [r.error] : [])),
    };
  };
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  assert.deepEqual(
    read(
      'responses',
      event('response.created', { response: { id: 'r' } }) +
        event('response.output_text.delta', { delta: 'He' }) +
        event('response.output_text.delta', { delta: '' }) +
        event('response.function_call_arguments.delta', { delta: '{"' }) +
        event('response.incomplete', { response: { id: 'r', usage: { output_tokens: 7 } } }),
    ),
    { outputs: 2, usage: 7, done: true, errors: [] },
  );
  const failed = read('responses', event('response.failed', { response: { error: { message: 'boom' } } }));
  assert.equal(failed.done, false);
  assert.match(failed.errors[0]!, /boom/);
  assert.deepEqual(
    read(
      'messages',
      event('message_start', { message: { usage: { output_tokens: 1 } } }) +
        event('content_block_delta', { delta: { type: 'text_delta', text: 'Hi' } }) +
        event('content_block_delta', { delta: { type: 'signature_delta', signature: 'x' } }) +
        event('content_block_delta', { delta: { type: 'input_json_delta', partial_json: '{' } }) +
        event('message_delta', { usage: { output_tokens: 9 } }) +
        event('message_stop', {}),
    ),
    { outputs: 2, usage: 9, done: true, errors: [] },
  );
  assert.match(read('messages', event('error', { error: { type: 'overloaded_error' } })).errors[0]!, /overloaded/);
  assert.deepEqual(
    read(
      'chat',
      'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"choices":[],"usage":{"completion_tokens":4}}\n\ndata: [DONE]\n\n',
    ),
    { outputs: 1, usage: 4, done: true, errors: [] },
  );
});

let fleet: SimFleet;
before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast', seed: 3, model: 'sim-model' });
});
after(async () => {
  await fleet.close();
});

test('each protocol streamed against a simulated replica: ok, a first token, the capped output from the usage', async () => {
  const dispatcher = new Agent({ connections: 4 });
  try {
    for (const protocol of AGENT_PROTOCOLS) {
      for (const turn of dev0.turns.slice(0, 2)) {
        const record = await streamChat({ url: fleet.urls[0]!, headers: {} }, turn, {
          dispatcher,
          model: 'sim-model',
          timeScale: 1,
          signal: AbortSignal.timeout(10_000),
          sentMs: 0,
          key: 'dev-0-conv-0',
          protocol,
        });
        assert.equal(record.error, undefined, `${protocol}: ${record.error}`);
        assert.equal(record.ok, true, protocol);
        assert.ok(record.ttftMs !== undefined && record.ttftMs >= 0);
        assert.equal(record.outputTokens, 3, `${protocol}: output tokens from the usage`);
      }
    }
  } finally {
    await dispatcher.close();
  }
});
