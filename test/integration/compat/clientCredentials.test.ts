// What crosses to a replica of the client's credentials (issue 18: Anthropic clients send x-api-key). The sidecar's own
// token (clientToken, a user's token) never reaches a replica, whether it came as Authorization or as x-api-key; a
// replica with its own key gets that key and none of the client's; with neither, the client's headers pass as they
// are (a replica that wants the user's own key).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Config } from '../../../core/config/types';
import { type RunningSidecar, startSidecar } from '../../../sidecar/sidecar';
import { memoryLogger, testConfig, testPool } from '../sidecar/testConfig';
import { type RecordingReplica, startRecordingReplica } from './recordingReplica';

const MODEL = 'recorded-model';
const CLIENT_TOKEN = 'sidecar-client-token-123';
const USER_TOKEN = 'user-token-alice-456';
const REPLICA_KEY = 'replica-own-key-789';

interface Setup {
  replica: RecordingReplica;
  sidecar: RunningSidecar;
}

const running: Setup[] = [];

async function setup(apiKey: string | undefined, overrides: Partial<Config>): Promise<Setup> {
  const replica = await startRecordingReplica(MODEL);
  const config = testConfig(
    [testPool('recorded', [{ url: replica.url, name: 'recorder', ...(apiKey ? { apiKey } : {}) }])],
    overrides,
  );
  const sidecar = await startSidecar({ config, port: 0, logger: memoryLogger().logger, env: {} });
  const made = { replica, sidecar };
  running.push(made);
  return made;
}

/** Sends one request with the given credential headers; returns the headers the replica saw. */
async function upstreamHeaders(s: Setup, path: string, headers: Record<string, string>) {
  const before = s.replica.recorded.length;
  const response = await fetch(`${s.sidecar.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: MODEL, max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  assert.equal(response.status, 200, `${path} answered`);
  assert.equal(s.replica.recorded.length, before + 1);
  return s.replica.recorded[before]!.headers;
}

let tokenSidecar: Setup;
let usersSidecar: Setup;
let keyedReplica: Setup;
let open: Setup;

before(async () => {
  tokenSidecar = await setup(undefined, { clientToken: CLIENT_TOKEN });
  usersSidecar = await setup(undefined, {
    users: [{ name: 'alice', token: USER_TOKEN, limits: {} } as NonNullable<Config['users']>[number]],
  });
  keyedReplica = await setup(REPLICA_KEY, {});
  open = await setup(undefined, {});
});

after(async () => {
  for (const s of running) {
    await s.sidecar.close(200);
    await s.replica.close();
  }
});

test('clientToken as Bearer or as x-api-key: checked by the sidecar, never forwarded', async () => {
  for (const path of ['/v1/chat/completions', '/v1/messages']) {
    const bearer = await upstreamHeaders(tokenSidecar, path, { authorization: `Bearer ${CLIENT_TOKEN}` });
    assert.equal(bearer['authorization'], undefined, `${path}: Authorization stays at the sidecar`);
    const apiKey = await upstreamHeaders(tokenSidecar, path, {
      'x-api-key': CLIENT_TOKEN,
      'anthropic-version': '2023-06-01',
    });
    assert.equal(apiKey['x-api-key'], undefined, `${path}: x-api-key stays at the sidecar`);
    assert.equal(apiKey['authorization'], undefined);
    assert.equal(apiKey['anthropic-version'], '2023-06-01', 'other headers still pass');
  }
});

test("a named user's token is not forwarded either", async () => {
  const seen = await upstreamHeaders(usersSidecar, '/v1/messages', { 'x-api-key': USER_TOKEN });
  assert.equal(seen['x-api-key'], undefined);
  assert.equal(seen['authorization'], undefined);
  const bearer = await upstreamHeaders(usersSidecar, '/v1/chat/completions', { authorization: `Bearer ${USER_TOKEN}` });
  assert.equal(bearer['authorization'], undefined);
});

test("a replica with its own key gets that key, and none of the client's credentials", async () => {
  const seen = await upstreamHeaders(keyedReplica, '/v1/messages', {
    authorization: 'Bearer client-own',
    'x-api-key': 'client-own',
  });
  assert.equal(seen['authorization'], `Bearer ${REPLICA_KEY}`);
  assert.equal(seen['x-api-key'], undefined);
});

test('no client token and no replica key: the client credentials pass through unchanged', async () => {
  const seen = await upstreamHeaders(open, '/v1/chat/completions', {
    authorization: 'Bearer for-the-replica',
    'x-api-key': 'for-the-replica',
  });
  assert.equal(seen['authorization'], 'Bearer for-the-replica');
  assert.equal(seen['x-api-key'], 'for-the-replica');
});
