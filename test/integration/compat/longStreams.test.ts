// Long streams are cut only by timeouts the user configured: the defaults are generous (firstByte 300s, idle 3600s),
// and a pause between two events is judged against the pool's `timeouts.idle`, nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../core/config/load';
import { startSidecar } from '../../../sidecar/sidecar';
import { memoryLogger, testConfig, testPool, waitFor } from '../sidecar/testConfig';
import { readSseData, startRecordingReplica } from './recordingReplica';

test('a config that names no timeouts gets firstByte 300s and idle 3600s (no hidden short default)', () => {
  const result = parseConfig('pools:\n  - name: p\n    replicas:\n      - url: http://127.0.0.1:9\n', 'mem.yaml', {});
  assert.ok(result.config, JSON.stringify(result.issues));
  assert.deepEqual(result.config.pools[0]?.timeouts, { connect: 5000, firstByte: 300_000, idle: 3_600_000 });
});

async function streamWithGap(idleMs: number, gapMs: number): Promise<{ data: string[]; aborted: number }> {
  const replica = await startRecordingReplica('slow-model');
  replica.gapMs = gapMs;
  const config = testConfig([
    testPool('slow', [{ url: replica.url, name: 'slow' }], {
      timeouts: { connect: 1000, firstByte: 5000, idle: idleMs },
    }),
  ]);
  const sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
  try {
    const response = await fetch(`${sidecar.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: JSON.stringify({ model: 'slow-model', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    assert.equal(response.status, 200);
    const data = await readSseData(response);
    if (idleMs < gapMs) await waitFor(() => replica.aborted > 0, 3000, 'the replica to see its stream aborted');
    return { data, aborted: replica.aborted };
  } finally {
    await sidecar.close(500);
    await replica.close();
  }
}

test('a 2 s pause between events survives when timeouts.idle is 5s', async () => {
  const { data, aborted } = await streamWithGap(5000, 2000);
  assert.equal(aborted, 0);
  const text = data
    .slice(0, -1)
    .map(
      (payload) =>
        (JSON.parse(payload) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '',
    )
    .join('');
  assert.equal(text, 'first second');
  assert.equal(data.at(-1), '[DONE]');
  assert.ok(!data.some((payload) => payload.includes('"error"')));
});

test('the same pause is cut with the SSE error tail when timeouts.idle is 1s, and the replica sees the abort', async () => {
  const { data, aborted } = await streamWithGap(1000, 2000);
  assert.equal(aborted, 1);
  assert.equal(JSON.parse(data[0] ?? '{}').choices[0].delta.content, 'first');
  assert.equal(data.at(-1), '[DONE]');
  const error = JSON.parse(data.at(-2) ?? '{}') as { error?: { type: string; code: number; message: string } };
  assert.equal(error.error?.type, 'upstream_error');
  assert.equal(error.error?.code, 502);
  assert.ok(!data.some((payload) => payload.includes('second')));
});
