// The lean transport: HTTP/1.1 on plain node:net sockets from the replica's own keep-alive connections
// (upstreamSockets.ts), the answer read by a small strict parser (responseParser.ts). The request leaves in one write
// (head and body together); the answer's chunks reach the receiver as they are read, with no extra turn of the event
// loop before the request is written. Replicas behind https keep undici's transport (no TLS here).
// Not the default: picked with VLLM_POOLS_TRANSPORT=socket (or startSidecar's `transport`). Against undici in six
// alternating `bench --only proxy` pairs on the shared 2-core VM (load 2-5) it was not a clear win: req/s at 64
// connections 0.65-0.97x nginx (undici 0.71-0.86x), c16 p50 over nginx +0.65..+2.06 ms (undici +0.57..+1.61),
// CPU per stream 2.00-2.36x nginx (undici 1.95-2.42x); only RSS with 1,000 streams was lower every time (134-143
// MiB vs 140-147). Its receive path alone costs ~20-30 % less CPU than undici's (onread buffer, no stream machinery),
// but that path is a small share of the sidecar's time; node's socket writes and reads dominate.
import type { Replica } from '../pool/replica';
import { type Transport, type UpstreamCall, type UpstreamControl, undiciTransport } from './transport';
import { Exchange, upstreamError } from './upstreamConnection';

/** Methods whose empty body is still announced (content-length: 0), as HTTP clients do. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const UNSAFE = /[\r\n\0]/;

/** The request as it goes on the wire; throws on a header that could break the framing. */
export function requestBytes(method: string, path: string, host: string, call: UpstreamCall): Buffer {
  if (UNSAFE.test(path) || path.includes(' ')) throw upstreamError('UPSTREAM_BAD_REQUEST', 'invalid request path');
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  const headers = call.headers;
  for (let i = 0; i < headers.length; i += 2) {
    const value = headers[i + 1]!;
    if (UNSAFE.test(value) || UNSAFE.test(headers[i]!)) {
      throw upstreamError('UPSTREAM_BAD_REQUEST', 'invalid character in a request header');
    }
    head += `${headers[i]}: ${value}\r\n`;
  }
  const body = call.body;
  if (body !== null) head += `content-length: ${body.length}\r\n\r\n`;
  else head += BODY_METHODS.has(method) ? 'content-length: 0\r\n\r\n' : '\r\n';
  if (body === null || body.length === 0) return Buffer.from(head, 'latin1');
  const out = Buffer.allocUnsafe(head.length + body.length);
  out.write(head, 0, 'latin1');
  body.copy(out, head.length);
  return out;
}

export const socketTransport: Transport = {
  send(replica: Replica, call: UpstreamCall, receiver): UpstreamControl {
    const sockets = replica.sockets;
    if (sockets === null) return undiciTransport.send(replica, call, receiver);
    let request: Buffer;
    try {
      request = requestBytes(call.method, replica.basePath + call.path, sockets.hostHeader, call);
    } catch (error) {
      const failed = new Exchange(receiver, call.method, Buffer.alloc(0), 0, 0);
      failed.fail(error as Error);
      return failed;
    }
    return sockets.send(call.method, request, receiver, call.headersTimeout, call.bodyTimeout);
  },
};
