// The dialects' error bodies and mid-stream tails as the official clients read them, over real HTTP on loopback: a
// tiny server answers each request with the bytes a test gives it (a replica's partial stream plus the sidecar's tail).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { anthropicDialect } from '../../../sidecar/dialects/anthropic';
import { responsesDialect } from '../../../sidecar/dialects/responses';
import { ResponsesStreamTap } from '../../../sidecar/dialects/responsesStreamTap';
import { anthropicStream, responsesStream } from './fixtures';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

let server: Server;
let base = '';
let next: Answer = { status: 500, contentType: 'text/plain', body: 'unset' };

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(next.status, { 'content-type': next.contentType, 'content-length': Buffer.byteLength(next.body) });
      res.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const openai = () => new OpenAI({ baseURL: `${base}/v1`, apiKey: 'k', maxRetries: 0 });
const anthropic = () => new Anthropic({ baseURL: base, apiKey: 'k', maxRetries: 0 });
const sse = (body: string): Answer => ({ status: 200, contentType: 'text/event-stream', body });
const RESPONSES_PARAMS = { model: 'qwen-coder', input: 'hi' } as const;
const MESSAGES_PARAMS = { model: 'qwen-coder', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

test('openai SDK: the fixture stream is a valid Responses stream (final text, usage)', async () => {
  next = sse(responsesStream());
  const response = await openai().responses.stream(RESPONSES_PARAMS).finalResponse();
  assert.equal(response.id, 'resp_0a1b2c3d');
  assert.equal(response.output_text, 'Héllo wörld 🌍');
  assert.equal(response.usage?.output_tokens, 42);
});

test('openai SDK: a mid-stream failure tail rejects responses.stream, and raw iteration sees error + response.failed', async () => {
  const partial = responsesStream({ completed: false });
  const tap = new ResponsesStreamTap(() => 0, { onTokens() {} });
  tap.push(Buffer.from(partial));
  next = sse(partial + tap.failureTail('replica r1 failed mid-stream'));
  const stream = openai().responses.stream(RESPONSES_PARAMS);
  let text = '';
  stream.on('response.output_text.delta', (event) => (text += event.delta));
  await assert.rejects(stream.finalResponse());
  assert.equal(text, 'Héllo wörld 🌍');

  next = sse(partial + responsesDialect.streamFailureTail('replica r1 failed mid-stream'));
  const types: string[] = [];
  for await (const event of await openai().responses.create({ ...RESPONSES_PARAMS, stream: true }))
    types.push(event.type);
  assert.deepEqual(types.slice(-2), ['error', 'response.failed']);
  assert.ok(!types.includes('response.completed'));
});

test('openai SDK: the Responses dialect errors are APIErrors with status and message', async () => {
  const error = responsesDialect.error(503, 'no healthy replica in pool llama-8b');
  next = { status: error.status, contentType: error.contentType, body: error.body };
  await assert.rejects(openai().responses.create(RESPONSES_PARAMS), (thrown: unknown) => {
    assert.ok(thrown instanceof OpenAI.APIError);
    assert.equal(thrown.status, 503);
    assert.match(thrown.message, /no healthy replica in pool llama-8b/);
    return true;
  });
});

test('Anthropic SDK: the fixture stream is a valid Messages stream; the failure tail raises an api_error', async () => {
  next = sse(anthropicStream());
  const message = await anthropic().messages.stream(MESSAGES_PARAMS).finalMessage();
  assert.equal(message.usage.output_tokens, 37);
  assert.deepEqual(
    message.content.map((block) => block.type),
    ['thinking', 'text', 'tool_use'],
  );

  next = sse(anthropicStream({ finished: false }) + anthropicDialect.streamFailureTail('replica r1 failed mid-stream'));
  await assert.rejects(anthropic().messages.stream(MESSAGES_PARAMS).finalMessage(), (thrown: unknown) => {
    assert.ok(thrown instanceof Anthropic.APIError);
    assert.deepEqual(thrown.error, {
      type: 'error',
      error: { type: 'api_error', message: 'replica r1 failed mid-stream' },
    });
    return true;
  });
});

test("Anthropic SDK: the dialect's errors become the SDK's typed errors with Anthropic's error types", async () => {
  const cases: [number, new (...args: never[]) => Error, string][] = [
    [400, Anthropic.BadRequestError, 'invalid_request_error'],
    [401, Anthropic.AuthenticationError, 'authentication_error'],
    [404, Anthropic.NotFoundError, 'not_found_error'],
    [429, Anthropic.RateLimitError, 'rate_limit_error'],
    [502, Anthropic.InternalServerError, 'api_error'],
    [503, Anthropic.InternalServerError, 'overloaded_error'],
  ];
  for (const [status, errorClass, type] of cases) {
    const error = anthropicDialect.error(status, `status ${status}`);
    next = { status: error.status, contentType: error.contentType, body: error.body };
    await assert.rejects(anthropic().messages.create(MESSAGES_PARAMS), (thrown: unknown) => {
      assert.ok(thrown instanceof errorClass, `${status}: ${String(thrown)}`);
      assert.deepEqual((thrown as InstanceType<typeof Anthropic.APIError>).error, {
        type: 'error',
        error: { type, message: `status ${status}` },
      });
      return true;
    });
  }
});
