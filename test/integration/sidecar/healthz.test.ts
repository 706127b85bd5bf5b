// GET /healthz counts only replicas a health check has found healthy; replicas not checked yet are reported as
// `unknown`, not as healthy (before: `ok 4/4` with three of them unreachable, right after start).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { memoryLogger, testConfig, testPool, waitFor } from './testConfig';

const agent = new Agent({ keepAliveTimeout: 500 });
let fleet: SimFleet;
let sidecar: RunningSidecar;

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast', timeScale: 1, seed: 5 });
  const unreachable = await Promise.all([closedPort(), closedPort(), closedPort()]);
  // One check at start, the next an hour later: the three unreachable replicas stay "not checked yet" (fall 3).
  const pool = testPool(
    'main',
    [{ url: fleet.urls[0]! }, ...unreachable.map((port) => ({ url: `http://127.0.0.1:${port}` }))],
    {
      healthCheck: { enabled: true, path: '/health', interval: 3_600_000, timeout: 1000, rise: 1, fall: 3 },
    },
  );
  sidecar = await startSidecar({ config: testConfig([pool]), logger: memoryLogger().logger, env: {} });
});

after(async () => {
  await sidecar.close(200);
  await fleet.close();
  await agent.close();
});

test('/healthz: replicas not yet found healthy are unknown, not healthy', async () => {
  await waitFor(
    () => sidecar.state().pools[0]!.replicas[0]!.state === 'healthy',
    5000,
    'the simulated replica checked',
  );
  const response = await request(`${sidecar.url}/healthz`, { dispatcher: agent });
  const body = (await response.body.json()) as Record<string, unknown>;
  assert.equal(response.statusCode, 200, 'unknown replicas may still take requests: not down');
  assert.deepEqual(body, { status: 'degraded', healthy: 1, unknown: 3, total: 4 });
});
