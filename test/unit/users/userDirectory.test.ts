import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { mock, test } from 'node:test';
import { presentedToken, UserDirectory } from '../../../sidecar/users/userDirectory';

const CONFIG = {
  clientToken: 'team-token',
  users: [
    { name: 'alice', token: 'alice-token', limits: { requestsPerMinute: 5 } },
    { name: 'bob', token: 'bob-token-much-longer-than-the-others', limits: {} },
    { name: 'carol', token: 'carol-token', limits: { tokensPerMinute: 100 } },
  ],
};

test('presentedToken: Bearer (any case, spaces trimmed), else x-api-key; nothing else counts', () => {
  assert.equal(presentedToken({ authorization: 'Bearer abc' }), 'abc');
  assert.equal(presentedToken({ authorization: '  bearer   abc  ' }), 'abc');
  assert.equal(presentedToken({ 'x-api-key': ' key ' }), 'key');
  assert.equal(presentedToken({ authorization: 'Basic Zm9vOmJhcg==', 'x-api-key': 'key' }), 'key');
  assert.equal(presentedToken({ authorization: 'Bearer first', 'x-api-key': 'second' }), 'first');
  assert.equal(presentedToken({ authorization: 'Bearer' }), undefined);
  assert.equal(presentedToken({ 'x-api-key': '   ' }), undefined);
  assert.equal(presentedToken({}), undefined);
});

test('each token finds its user with its limits; clientToken is the anonymous user; others get undefined', () => {
  const directory = new UserDirectory(CONFIG);
  assert.equal(directory.required, true);
  assert.deepEqual(directory.authenticate('alice-token'), {
    name: 'alice',
    anonymous: false,
    limits: { requestsPerMinute: 5 },
  });
  assert.equal(directory.authenticate('carol-token')?.name, 'carol');
  const team = directory.authenticate('team-token');
  assert.equal(team, directory.anonymous);
  assert.deepEqual(team, { name: 'anonymous', anonymous: true, limits: {} });
  assert.equal(directory.authenticate(undefined), undefined);
  assert.equal(directory.authenticate(''), undefined);
  assert.equal(directory.authenticate('alice-token '), undefined, 'no trimming or prefix matching');
  assert.equal(directory.authenticate('alice'), undefined);
  assert.equal(directory.authenticate('ALICE-TOKEN'), undefined);
});

test('the directory keeps its own copy of the limits', () => {
  const users = [{ name: 'alice', token: 't', limits: { requestsPerMinute: 5 } }];
  const directory = new UserDirectory({ users });
  users[0]!.limits.requestsPerMinute = 1000;
  assert.equal(directory.authenticate('t')?.limits.requestsPerMinute, 5);
});

test('named users without clientToken: the anonymous user is not reachable by any token, nor listed', () => {
  const directory = new UserDirectory({ users: [{ name: 'alice', token: 'a', limits: {} }] });
  assert.equal(directory.required, true);
  assert.equal(directory.authenticate(undefined), undefined);
  assert.equal(directory.authenticate('anonymous'), undefined);
  assert.deepEqual(
    directory.users().map((user) => user.name),
    ['alice'],
  );
});

test('no token configured at all: everyone is the anonymous user (a loopback sidecar)', () => {
  const directory = new UserDirectory({});
  assert.equal(directory.required, false);
  assert.equal(directory.authenticate(undefined), directory.anonymous);
  assert.equal(directory.authenticate('whatever'), directory.anonymous);
  assert.deepEqual(
    directory.users().map((user) => user.name),
    ['anonymous'],
  );
});

test('users(): every named user in config order, then the anonymous one, once', () => {
  const directory = new UserDirectory(CONFIG);
  assert.deepEqual(
    directory.users().map((user) => user.name),
    ['alice', 'bob', 'carol', 'anonymous'],
  );
});

test('constant time: every lookup compares equal-length digests with every entry, whichever matches', () => {
  const directory = new UserDirectory(CONFIG);
  const compare = mock.method(crypto, 'timingSafeEqual');
  syncBuiltinESMExports();
  try {
    const callsFor = (token: string | undefined) => {
      compare.mock.resetCalls();
      directory.authenticate(token);
      return compare.mock.calls.map((call) => [
        (call.arguments[0] as Buffer).length,
        (call.arguments[1] as Buffer).length,
      ]);
    };
    const first = callsFor('alice-token');
    assert.deepEqual(first, [
      [32, 32],
      [32, 32],
      [32, 32],
      [32, 32],
    ]);
    assert.deepEqual(callsFor('team-token'), first, 'the last entry: same work');
    assert.deepEqual(callsFor('bob-token-much-longer-than-the-others'), first, 'a longer token: same lengths');
    assert.deepEqual(callsFor('x'), first, 'no match: same work (32-byte SHA-256 digests, never the tokens)');
  } finally {
    compare.mock.restore();
    syncBuiltinESMExports();
  }
});
