import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseParseError, ResponseParser } from '../../../sidecar/proxy/responseParser';

interface Parsed {
  heads: { status: number; headers: string[] }[];
  body: string;
  pieces: number;
  complete: number;
  leftover: number;
  keepAlive: boolean;
  hintMs: number;
}

/** Feeds `wire` cut at the given offsets; returns what the parser reported. */
function parse(wire: string | Buffer, cuts: number[] = [], method = 'POST', closeAtEnd = false): Parsed {
  const bytes = typeof wire === 'string' ? Buffer.from(wire, 'latin1') : wire;
  const out: Parsed = { heads: [], body: '', pieces: 0, complete: 0, leftover: 0, keepAlive: false, hintMs: 0 };
  const bodies: Buffer[] = [];
  const parser = new ResponseParser({
    onHead: (status, raw) => out.heads.push({ status, headers: raw.map((b) => b.toString('latin1')) }),
    onBody: (chunk) => {
      // The piece must stay valid after the call: copy nothing, but keep the view.
      bodies.push(chunk);
      out.pieces++;
    },
    onComplete: () => out.complete++,
  });
  parser.start(method);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) out.leftover += parser.feed(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  if (closeAtEnd) parser.finish();
  out.body = Buffer.concat(bodies).toString('latin1');
  out.keepAlive = parser.keepAlive;
  out.hintMs = parser.keepAliveHintMs;
  return out;
}

/** Every single cut point and every pair of cut points (short inputs) give the same result as one piece. */
function everySplit(wire: string, method = 'POST', closeAtEnd = false): Parsed {
  const whole = parse(wire, [], method, closeAtEnd);
  for (let i = 1; i < wire.length; i++) {
    const one = parse(wire, [i], method, closeAtEnd);
    assert.deepEqual({ ...one, pieces: 0 }, { ...whole, pieces: 0 }, `cut at ${i}`);
    if (wire.length <= 160) {
      for (let j = i + 1; j < wire.length; j++) {
        const two = parse(wire, [i, j], method, closeAtEnd);
        assert.deepEqual({ ...two, pieces: 0 }, { ...whole, pieces: 0 }, `cuts at ${i}, ${j}`);
      }
    }
  }
  return whole;
}

test('content-length body, raw headers as sent, keep-alive hint', () => {
  const wire =
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nKeep-Alive: timeout=5\r\n\r\n{"a":"bcd"}';
  const parsed = everySplit(wire);
  assert.deepEqual(parsed.heads, [
    {
      status: 200,
      headers: ['Content-Type', 'application/json', 'Content-Length', '11', 'Keep-Alive', 'timeout=5'],
    },
  ]);
  assert.equal(parsed.body, '{"a":"bcd"}');
  assert.equal(parsed.complete, 1);
  assert.equal(parsed.keepAlive, true);
  assert.equal(parsed.hintMs, 5000);
});

test('header values lose surrounding whitespace; an empty reason phrase is fine', () => {
  const parsed = parse('HTTP/1.1 404 \r\nx-a:   spaced value \t\r\ncontent-length: 0\r\n\r\n');
  assert.deepEqual(parsed.heads[0], { status: 404, headers: ['x-a', 'spaced value', 'content-length', '0'] });
  assert.equal(parsed.complete, 1);
  assert.equal(parse('HTTP/1.1 204\r\n\r\n').complete, 1);
});

test('chunked body with extensions and trailers, cut anywhere', () => {
  const wire =
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: text/event-stream\r\n\r\n' +
    '6;name=value\r\ndata: \r\n' +
    'A\r\n0123456789\r\n' +
    '1 ; ext\r\nx\r\n' +
    '0\r\nx-trailer: yes\r\nother: 1\r\n\r\n';
  const parsed = everySplit(wire);
  assert.equal(parsed.heads[0]!.status, 200);
  assert.equal(parsed.body, 'data: 0123456789x');
  assert.equal(parsed.complete, 1);
  assert.equal(parsed.keepAlive, true);
  assert.equal(parsed.leftover, 0);
});

test('chunked SSE events arrive one piece per chunk, as views of the bytes read', () => {
  const events = ['data: {"a":1}\n\n', 'data: {"b":2}\n\n', 'data: [DONE]\n\n'];
  const wire = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${events
    .map((e) => `${e.length.toString(16)}\r\n${e}\r\n`)
    .join('')}0\r\n\r\n`;
  const parsed = parse(wire);
  assert.equal(parsed.pieces, 3);
  assert.equal(parsed.body, events.join(''));
});

test('upper-case hex chunk sizes and large chunks', () => {
  const big = 'y'.repeat(0x1af);
  const parsed = parse(
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n1AF\r\n${big}\r\n0\r\n\r\n`,
    [40, 100, 300],
  );
  assert.equal(parsed.body, big);
  assert.equal(parsed.complete, 1);
});

test('body until close: no length, HTTP/1.0, or a final coding other than chunked', () => {
  const wire = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it';
  const parsed = everySplit(wire, 'GET', true);
  assert.equal(parsed.body, 'all of it');
  assert.equal(parsed.complete, 1);
  assert.equal(parsed.keepAlive, false);
  const old = parse('HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok');
  assert.equal(old.keepAlive, false);
  assert.equal(old.complete, 1);
  const gzip = parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked, gzip\r\n\r\n5\r\nabc', [], 'GET', true);
  assert.equal(gzip.body, '5\r\nabc');
  assert.equal(gzip.keepAlive, false);
});

test('an unfinished body at close is an error', () => {
  assert.throws(() => parse('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc', [], 'POST', true), ResponseParseError);
  assert.throws(
    () => parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab', [], 'POST', true),
    ResponseParseError,
  );
  assert.throws(() => parse('HTTP/1.1 200 OK\r\ncontent-', [], 'POST', true), ResponseParseError);
});

test('1xx heads are skipped; HEAD, 204 and 304 have no body', () => {
  const parsed = everySplit(
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi',
  );
  assert.deepEqual(
    parsed.heads.map((h) => h.status),
    [200],
  );
  assert.equal(parsed.body, 'hi');
  const head = parse('HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n', [], 'HEAD');
  assert.equal(head.complete, 1);
  assert.equal(head.keepAlive, true);
  const notModified = parse('HTTP/1.1 304 Not Modified\r\ntransfer-encoding: chunked\r\n\r\n', [], 'GET');
  assert.equal(notModified.complete, 1);
});

test('connection: close forbids reuse; bytes after the response are reported as left over', () => {
  assert.equal(parse('HTTP/1.1 200 OK\r\nConnection: Close\r\ncontent-length: 0\r\n\r\n').keepAlive, false);
  const extra = parse('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP/1.1');
  assert.equal(extra.complete, 1);
  assert.equal(extra.leftover, 8);
});

test('malformed responses are errors', () => {
  const bad = [
    'HTTP/2 200 OK\r\n\r\n',
    'HTTP/1.1 20 OK\r\n\r\n',
    'HTTP/1.1 2000 OK\r\n\r\n',
    'HTTP/1.1 abc OK\r\n\r\n',
    'ICY 200 OK\r\n\r\n',
    'HTTP/1.1 200 OK\r\nno colon\r\n\r\n',
    'HTTP/1.1 200 OK\r\n: empty name\r\n\r\n',
    'HTTP/1.1 200 OK\r\nbad name: x\r\n\r\n',
    'HTTP/1.1 200 OK\r\nx-a: b\r\n folded\r\n\r\n',
    'HTTP/1.1 200 OK\r\nx-a: b\nx-b: c\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\r\n',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabcd\r\n',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\nabc\r\n',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nffffffffffffffff\r\n',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\nnot a trailer\r\n\r\n',
    'HTTP/1.1 101 Switching Protocols\r\n\r\n',
  ];
  for (const wire of bad) {
    assert.throws(() => parse(wire), ResponseParseError, JSON.stringify(wire));
    // The same, cut in the middle.
    assert.throws(() => parse(wire, [Math.floor(wire.length / 2)]), ResponseParseError, JSON.stringify(wire));
  }
});

test('a head that never ends is refused past its limit', () => {
  const parser = new ResponseParser({ onHead() {}, onBody() {}, onComplete() {} });
  parser.start('GET');
  parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n'));
  const line = Buffer.from(`x-big: ${'a'.repeat(1000)}\r\n`);
  assert.throws(() => {
    for (let i = 0; i < 100; i++) parser.feed(line);
  }, ResponseParseError);
});

test('a stopped parser delivers nothing more', () => {
  const pieces: string[] = [];
  const parser = new ResponseParser({
    onHead() {},
    onBody(chunk) {
      pieces.push(chunk.toString());
      parser.stopped = true;
    },
    onComplete() {
      pieces.push('end');
    },
  });
  parser.start('POST');
  parser.feed(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n1\r\nb\r\n0\r\n\r\n'));
  assert.deepEqual(pieces, ['a']);
});
