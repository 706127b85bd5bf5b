import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminPath, matchAdminRoute } from '../../../core/admin/routes';
import { PAGE_TO_HOST as EDITOR_PAGE_TO_HOST, FORM_EDIT } from '../../../core/configEditor/messages';
import { HOST_TO_PAGE, PAGE_TO_HOST } from '../../../core/dashboard/messages';
import { validate } from '../../../core/schema';

test('a malformed webview message is rejected with the path of the bad field and why', () => {
  const bad = validate(PAGE_TO_HOST, { type: 'setAlgorithm', pool: 'p', algorithm: 'fastest' }, 'message');
  assert.ok(!bad.ok && /message\.algorithm: expected one of round-robin/.test(bad.reason), JSON.stringify(bad));
  const unknown = validate(PAGE_TO_HOST, { type: 'reload' }, 'message');
  assert.ok(!unknown.ok && /message\.type: expected one of ready, setAlgorithm, drain, enable/.test(unknown.reason));
  const edit = validate(EDITOR_PAGE_TO_HOST, { type: 'edit', edit: { kind: 'set', path: ['pools', {}] } }, 'm');
  assert.ok(!edit.ok && /m\.edit\.path\[1\]/.test(edit.reason), JSON.stringify(edit));
  assert.ok(validate(FORM_EDIT, { kind: 'move', path: ['pools'], from: 0, to: 1 }).ok);
  assert.ok(!validate(FORM_EDIT, { kind: 'move', path: ['pools'], from: 0.5, to: 1 }).ok);
  assert.ok(validate(HOST_TO_PAGE, { type: 'connection', connection: { state: 'connected', detail: null } }).ok);
  assert.ok(!validate(HOST_TO_PAGE, { type: 'connection', connection: { state: 'up', detail: null } }).ok);
});

test('admin routes: paths built and matched from the one table, parameters encoded both ways', () => {
  const path = adminPath('drain', { pool: 'a/b', replica: 'gpu 1' });
  assert.equal(path, '/admin/replicas/a%2Fb/gpu%201/drain');
  assert.deepEqual(matchAdminRoute(path), { kind: 'route', name: 'drain', params: { pool: 'a/b', replica: 'gpu 1' } });
  assert.deepEqual(matchAdminRoute('/admin/replicas/%E0/x/enable'), { kind: 'malformed' });
  assert.deepEqual(matchAdminRoute('/admin/nope'), { kind: 'not-found' });
  assert.equal(adminPath('state', {}), '/admin/state');
});
