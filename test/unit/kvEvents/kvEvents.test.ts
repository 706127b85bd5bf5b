import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { CachedBlocks } from '../../../sidecar/kvEvents/cachedBlocks';
import { decodeKvEventBatch, decodeSequence } from '../../../sidecar/kvEvents/kvEventBatch';
import { KvEventSubscriber } from '../../../sidecar/kvEvents/kvEventSubscriber';

const BS = 4;
/** Tokens 0..n-1 offset by `base`: prompts with different bases share nothing. */
const tokens = (n: number, base = 0) => Array.from({ length: n }, (_, i) => base + i);

function stored(hashes: unknown[], parent: unknown, ids: number[]) {
  return ['BlockStored', hashes, parent, ids, BS, null, 'GPU'];
}
function message(sequence: number, events: unknown[]): Uint8Array[] {
  const seq = Buffer.alloc(8);
  seq.writeBigUInt64BE(BigInt(sequence));
  return [Buffer.from(''), seq, Buffer.from(encode([1.5, events]))];
}
const silent = { warn: () => undefined };

describe('KV event decoding (vLLM wire format)', () => {
  it('decodes a batch of the three tagged events, with int and bytes hashes, ignoring later fields', () => {
    const payload = encode(
      [
        1733400000.25,
        [
          [...stored([2n ** 63n + 5n, 7], null, tokens(8)), 'extra-field-of-a-newer-vllm'],
          ['BlockRemoved', [new Uint8Array([0xab, 0x01])], 'GPU'],
          ['AllBlocksCleared'],
          ['SomeFutureEvent', 1],
        ],
        0,
      ],
      { useBigInt64: true },
    );
    const batch = decodeKvEventBatch(payload);
    assert.equal(batch.ts, 1733400000.25);
    assert.deepEqual(batch.events, [
      {
        kind: 'stored',
        blockHashes: [(2n ** 63n + 5n).toString(), '7'],
        parent: undefined,
        tokenIds: tokens(8),
        blockSize: BS,
        loraId: undefined,
        medium: 'GPU',
      },
      { kind: 'removed', blockHashes: ['ab01'], medium: 'GPU' },
      { kind: 'cleared' },
    ]);
  });

  it('rejects a payload that is not a batch, and reads the 8-byte big-endian sequence', () => {
    assert.throws(() => decodeKvEventBatch(encode({ ts: 1 })), /expected \[ts, events/);
    assert.throws(() => decodeKvEventBatch(encode([1, [['BlockStored', [1], null, 'x', 0]]])), /BlockStored/);
    const frame = Buffer.alloc(8);
    frame.writeBigUInt64BE(258n);
    assert.equal(decodeSequence(frame), 258n);
    assert.throws(() => decodeSequence(Buffer.alloc(4)), /8 bytes/);
  });
});

describe('CachedBlocks: the replica cache from its events', () => {
  it('matches leading blocks by token ids, chained through parents, whatever the engine hash values', () => {
    const blocks = new CachedBlocks();
    blocks.reset();
    const prompt = tokens(14);
    blocks.apply(decodeKvEventBatch(encode([0, [stored([101, 102], null, prompt.slice(0, 8))]])).events);
    blocks.apply(decodeKvEventBatch(encode([0, [stored([103], 102, prompt.slice(8, 12))]])).events);
    assert.equal(blocks.matchedBlocks(prompt), 3);
    assert.equal(blocks.matchedBlocks(prompt.slice(0, 7)), 1, 'only full blocks count');
    // Same third block's tokens after a different second block: the chain differs, so no match past block 1.
    assert.equal(blocks.matchedBlocks([...prompt.slice(0, 4), ...tokens(4, 500), ...prompt.slice(8)]), 1);
    assert.equal(blocks.matchedBlocks(tokens(12, 900)), 0);
  });

  it('evictions remove blocks; a block whose parent was never seen is not guessed', () => {
    const blocks = new CachedBlocks();
    blocks.reset();
    const prompt = tokens(12);
    blocks.apply([
      {
        kind: 'stored',
        blockHashes: ['1', '2', '3'],
        parent: undefined,
        tokenIds: prompt,
        blockSize: BS,
        loraId: undefined,
        medium: undefined,
      },
    ]);
    blocks.apply([{ kind: 'removed', blockHashes: ['2'], medium: undefined }]);
    assert.equal(blocks.matchedBlocks(prompt), 1, 'the chain stops at the evicted block');
    blocks.apply([
      {
        kind: 'stored',
        blockHashes: ['9'],
        parent: '404',
        tokenIds: tokens(4, 50),
        blockSize: BS,
        loraId: undefined,
        medium: undefined,
      },
    ]);
    assert.equal(blocks.size, 2, 'the orphan block is not held');
    blocks.apply([{ kind: 'cleared' }]);
    assert.equal(blocks.matchedBlocks(prompt), 0);
    assert.equal(blocks.isKnown, true);
  });
});

describe('KvEventSubscriber: sequence numbers', () => {
  it('is known from sequence 0, unknown after a gap, known again after AllBlocksCleared or a restart', () => {
    const sub = new KvEventSubscriber({ endpoint: 'tcp://127.0.0.1:1', topic: '' }, silent, 'r');
    const prompt = tokens(8);
    sub.handle(message(3, [stored([1, 2], null, prompt)]));
    assert.equal(sub.blocks.isKnown, false, 'joined mid-stream: earlier blocks are unknown');
    sub.handle(message(0, [stored([1, 2], null, prompt)]));
    assert.equal(sub.blocks.isKnown, true);
    assert.equal(sub.blocks.matchedBlocks(prompt), 2);
    sub.handle(message(1, [['BlockRemoved', [2], 'GPU']]));
    assert.equal(sub.blocks.matchedBlocks(prompt), 1);
    sub.handle(message(5, []));
    assert.equal(sub.gaps, 1);
    assert.equal(sub.blocks.isKnown, false, 'messages 2-4 were lost');
    sub.handle(message(6, [['AllBlocksCleared']]));
    assert.equal(sub.blocks.isKnown, true);
    assert.equal(sub.blocks.matchedBlocks(prompt), 0);
  });
});

describe('config kvEvents', () => {
  it('parses endpoint and topic per replica; topic defaults to every message', async () => {
    const { parseConfig } = await import('../../../core/config/load');
    const result = parseConfig(
      `pools:
  - name: llama
    replicas:
      - url: http://10.0.0.10:8000
        kvEvents: { endpoint: "tcp://10.0.0.10:5557", topic: kv }
      - url: http://10.0.0.11:8000
        kvEvents: { endpoint: "tcp://[::1]:5557" }
      - url: http://10.0.0.12:8000
`,
      'c.yaml',
      {},
    );
    assert.deepEqual(result.issues, []);
    const replicas = result.config!.pools[0]!.replicas;
    assert.deepEqual(replicas[0]!.kvEvents, { endpoint: 'tcp://10.0.0.10:5557', topic: 'kv' });
    assert.deepEqual(replicas[1]!.kvEvents, { endpoint: 'tcp://[::1]:5557', topic: '' });
    assert.equal(replicas[2]!.kvEvents, undefined);
  });
});
