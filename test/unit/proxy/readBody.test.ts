import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { DISCARD_BYTES, readBody } from '../../../sidecar/proxy/readBody';

function fakeRequest(contentLength?: number): PassThrough & IncomingMessage {
  const stream = new PassThrough() as PassThrough & IncomingMessage;
  stream.headers = contentLength === undefined ? {} : { 'content-length': String(contentLength) };
  return stream;
}

test('a body within the limit is returned whole', async () => {
  const req = fakeRequest(6);
  const result = readBody(req, 10);
  req.end('{"a":1');
  assert.deepEqual(await result, { ok: true, body: Buffer.from('{"a":1') });
});

test('a body over the limit is read to its end (and thrown away) before the 413, so the client can read it', async () => {
  const req = fakeRequest(30);
  let settled = false;
  const result = readBody(req, 10).then((r) => {
    settled = true;
    return r;
  });
  req.write(Buffer.alloc(20));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'still discarding while the client sends');
  req.end(Buffer.alloc(10));
  assert.deepEqual(await result, { ok: false, reason: 'too-large' });
  assert.equal(req.readableEnded, true, 'the whole body was consumed');
});

test('past the discard bound it gives up at once (declared) or as soon as the bound is crossed (chunked)', async () => {
  assert.deepEqual(await readBody(fakeRequest(10 + DISCARD_BYTES + 1), 10), { ok: false, reason: 'too-large' });
  const req = fakeRequest();
  const result = readBody(req, 10);
  req.write(Buffer.alloc(10 + DISCARD_BYTES + 1));
  assert.deepEqual(await result, { ok: false, reason: 'too-large' });
  req.destroy();
});
