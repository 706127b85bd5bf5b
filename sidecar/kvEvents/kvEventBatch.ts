// Decodes one message payload of vLLM's KV-cache event stream (vllm/distributed/kv_events.py): a msgpack array
// [ts, events, data_parallel_rank?], each event an array whose first item is its tag (msgspec tagged, array-like
// structs): ["BlockStored", block_hashes, parent_block_hash, token_ids, block_size, lora_id, medium, ...],
// ["BlockRemoved", block_hashes, medium, ...], ["AllBlocksCleared"]. Later fields (newer vLLM) are ignored.
import { decode } from '@msgpack/msgpack';

/** An engine block hash as a map key: ints (older vLLM) in decimal, bytes (newer, sha256-based) in hex. */
export type BlockKey = string;

export type KvEvent =
  | {
      kind: 'stored';
      blockHashes: BlockKey[];
      parent: BlockKey | undefined;
      tokenIds: number[];
      blockSize: number;
      loraId: number | undefined;
      medium: string | undefined;
    }
  | { kind: 'removed'; blockHashes: BlockKey[]; medium: string | undefined }
  | { kind: 'cleared' };

export interface KvEventBatch {
  ts: number;
  events: KvEvent[];
}

/** Throws on a payload that is not a KV event batch; unknown event tags are skipped. */
export function decodeKvEventBatch(payload: Uint8Array): KvEventBatch {
  const value = decode(payload, { useBigInt64: true });
  if (!Array.isArray(value) || value.length < 2 || !Array.isArray(value[1])) {
    throw new Error('KV event batch: expected [ts, events, ...]');
  }
  const events: KvEvent[] = [];
  for (const raw of value[1] as unknown[]) {
    const event = decodeEvent(raw);
    if (event) events.push(event);
  }
  return { ts: Number(value[0]), events };
}

function decodeEvent(raw: unknown): KvEvent | undefined {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string') throw new Error('KV event: expected [tag, ...fields]');
  switch (raw[0]) {
    case 'BlockStored': {
      const tokenIds = raw[3];
      const blockSize = Number(raw[4]);
      if (!Array.isArray(tokenIds) || !(blockSize > 0)) throw new Error('BlockStored: bad token_ids or block_size');
      return {
        kind: 'stored',
        blockHashes: keys(raw[1]),
        parent: raw[2] === null || raw[2] === undefined ? undefined : blockKey(raw[2]),
        tokenIds: tokenIds.map(Number),
        blockSize,
        loraId: raw[5] === null || raw[5] === undefined ? undefined : Number(raw[5]),
        medium: typeof raw[6] === 'string' ? raw[6] : undefined,
      };
    }
    case 'BlockRemoved':
      return { kind: 'removed', blockHashes: keys(raw[1]), medium: typeof raw[2] === 'string' ? raw[2] : undefined };
    case 'AllBlocksCleared':
      return { kind: 'cleared' };
    default:
      return undefined;
  }
}

function keys(value: unknown): BlockKey[] {
  if (!Array.isArray(value)) throw new Error('KV event: block_hashes must be a list');
  return value.map(blockKey);
}

export function blockKey(value: unknown): BlockKey {
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  throw new Error('KV event: a block hash must be an int or bytes');
}

/** The sequence number frame: 8 bytes, big-endian (ZmqEventPublisher). */
export function decodeSequence(frame: Uint8Array): bigint {
  if (frame.length !== 8) throw new Error('KV event: the sequence frame must be 8 bytes');
  return Buffer.from(frame).readBigUInt64BE(0);
}
