import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact } from '../../../core/redact';
import { anthropicDialect } from '../../../sidecar/dialects/anthropic';
import { anthropicErrorBody } from '../../../sidecar/dialects/anthropicErrors';
import { responsesDialect } from '../../../sidecar/dialects/responses';

test("Anthropic error types by status, as Anthropic's error docs list them", () => {
  const expected: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    403: 'permission_error',
    404: 'not_found_error',
    405: 'invalid_request_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    500: 'api_error',
    502: 'api_error',
    503: 'overloaded_error',
    504: 'timeout_error',
    529: 'overloaded_error',
    418: 'invalid_request_error',
    507: 'api_error',
  };
  for (const [status, type] of Object.entries(expected)) {
    assert.equal(anthropicErrorBody(Number(status), 'm').error.type, type, status);
  }
});

test("a type the sidecar names is kept only when it is one of Anthropic's (OpenAI ones map by status)", () => {
  assert.equal(anthropicErrorBody(503, 'm', 'overloaded_error').error.type, 'overloaded_error');
  assert.equal(anthropicErrorBody(502, 'm', 'upstream_error').error.type, 'api_error');
  assert.equal(anthropicErrorBody(503, 'm', 'service_unavailable').error.type, 'overloaded_error');
  assert.equal(anthropicErrorBody(400, 'm', 'constructor').error.type, 'invalid_request_error');
  const error = anthropicDialect.error(404, 'model `x` is not served by any pool');
  assert.equal(error.status, 404);
  assert.equal(error.contentType, 'application/json');
  assert.deepEqual(JSON.parse(error.body), {
    type: 'error',
    error: { type: 'not_found_error', message: 'model `x` is not served by any pool' },
  });
});

test('the mid-stream tails: one complete Anthropic error event; Responses error + response.failed; never [DONE]', () => {
  const anthropic = anthropicDialect.streamFailureTail('replica r2: connection reset');
  assert.equal(
    anthropic,
    'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"replica r2: connection reset"}}\n\n',
  );
  const responses = responsesDialect.streamFailureTail('replica r2: connection reset');
  assert.ok(!responses.includes('[DONE]') && !anthropic.includes('[DONE]'));
  assert.ok(responses.endsWith('\n\n'));
});

test('OpenAI-shaped errors on the Responses routes', () => {
  const error = responsesDialect.error(400, 'body is not JSON');
  assert.deepEqual(JSON.parse(error.body), {
    error: { message: 'body is not JSON', type: 'invalid_request_error', param: null, code: 400 },
  });
});

test('secrets never reach an error body or a tail', () => {
  const secret = 'sk-dialect-secret-4242';
  redact(secret);
  const message = `replica said: bad key ${secret}`;
  for (const text of [
    anthropicDialect.error(401, message).body,
    anthropicDialect.streamFailureTail(message),
    responsesDialect.error(401, message).body,
    responsesDialect.streamFailureTail(message),
  ]) {
    assert.ok(!text.includes(secret), text);
    assert.ok(text.includes('[REDACTED]'), text);
  }
});
