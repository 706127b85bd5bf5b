import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { isPortFree, nextFreePort } from '../../../extension/portProbe';
import { isAddressInUse, parseIssueLine, parseLogLine, readyUrl } from '../../../extension/sidecarOutput';

test('the ready line gives the origin to call, loopback for a wildcard host', () => {
  assert.equal(readyUrl('vllm-pools listening on http://127.0.0.1:8800\n'), 'http://127.0.0.1:8800');
  assert.equal(readyUrl('vllm-pools listening on http://0.0.0.0:9000'), 'http://127.0.0.1:9000');
  assert.equal(readyUrl('something else'), undefined);
});

test('config problems on stderr become issues with line and column', () => {
  assert.deepEqual(parseIssueLine('/ws/vllm-pools.yaml:12:7: pools[0].retries must be a number'), {
    file: '/ws/vllm-pools.yaml',
    line: 12,
    col: 7,
    message: 'pools[0].retries must be a number',
    severity: 'error',
  });
  assert.equal(parseIssueLine('C:\\ws\\a.yaml:3:1: warning: literal key')?.severity, 'warning');
  assert.equal(parseIssueLine('C:\\ws\\a.yaml:3:1: warning: literal key')?.file, 'C:\\ws\\a.yaml');
  assert.equal(parseIssueLine('listening on http://127.0.0.1:8800'), undefined);
});

test('log lines keep their level; JSON logs lose only the timestamp', () => {
  assert.deepEqual(parseLogLine('{"time":"x","level":"warn","msg":"replica ejected","replica":"gpu-a"}'), {
    level: 'warn',
    text: 'replica ejected {"replica":"gpu-a"}',
  });
  assert.equal(parseLogLine('2026-11-25T14:00:00Z ERROR boom').level, 'error');
  assert.equal(parseLogLine('/ws/x.yaml:1:1: bad').level, 'error');
  assert.equal(parseLogLine('plain words').level, 'info');
  assert.equal(isAddressInUse('Error: listen EADDRINUSE: address already in use 127.0.0.1:8800'), true);
});

test('a taken port is detected and the next free one offered', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    assert.equal(await isPortFree(port), false);
    const next = await nextFreePort(port);
    assert.ok(next !== undefined && next > port && next <= port + 20);
    assert.equal(await isPortFree(next), true);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
