// Reads a request body up to a limit. Over the limit, the rest of the body is read and thrown away (up to a bound)
// before reporting it, so that the caller's 413 reaches a client that is still sending: closing a socket with unread
// data resets it, and the client sees EPIPE instead of the answer (nginx discards such a body for the same reason).
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/** How much past the limit is read and discarded; a bigger body is cut off (the client may then see a reset). */
export const DISCARD_BYTES = 64 * 1024 * 1024;
/** How long discarding may take, so that a client dribbling a huge body cannot hold the request for ever. */
export const DISCARD_MS = 30_000;

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  const bound = maxBytes + DISCARD_BYTES;
  if (Number.isFinite(declared) && declared > bound) return Promise.resolve({ ok: false, reason: 'too-large' });
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      resolve(result);
    };
    const tooLarge = () => {
      req.pause();
      settle({ ok: false, reason: 'too-large' });
    };
    const startDiscarding = () => {
      chunks = [];
      timer = setTimeout(tooLarge, DISCARD_MS);
      timer.unref();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes && timer === undefined) {
        chunks.push(chunk);
        return;
      }
      if (timer === undefined) startDiscarding();
      if (size > bound) tooLarge();
    };
    const onEnd = () => {
      if (size > maxBytes) settle({ ok: false, reason: 'too-large' });
      else settle({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    };
    const onAbort = () => settle({ ok: false, reason: 'aborted' });
    if (Number.isFinite(declared) && declared > maxBytes) startDiscarding();
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
  });
}
