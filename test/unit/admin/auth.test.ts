import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerOf, hasToken } from '../../../sidecar/admin/auth';

test('bearer tokens are compared exactly; no token configured means open', () => {
  assert.equal(hasToken({}, undefined), true);
  assert.equal(hasToken({}, 'tok-1234'), false);
  assert.equal(hasToken({ authorization: 'Bearer tok-1234' }, 'tok-1234'), true);
  assert.equal(hasToken({ authorization: 'bearer tok-1234' }, 'tok-1234'), true);
  assert.equal(hasToken({ authorization: 'Bearer tok-12345' }, 'tok-1234'), false);
  assert.equal(hasToken({ authorization: 'Basic tok-1234' }, 'tok-1234'), false);
  assert.equal(bearerOf({ authorization: 'Bearer  abc ' }), 'abc');
});
