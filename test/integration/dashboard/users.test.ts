// The dashboard's users table in headless Chromium (gateway users configured): who is using the GPUs now, their
// minute against their limits, their 429s; hidden when the sidecar has no users; no token ever reaches the page.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { FullMessage, UpdateMessage } from '../../../core/dashboard/messages';
import type { StateSnapshot, UserState } from '../../../core/protocol';
import { lastSnapshot, recordFixture } from './fixture';
import {
  CHROMIUM,
  type DashboardPage,
  type DashboardSite,
  launchChromium,
  openDashboard,
  serveDashboard,
  waitFor,
} from './harness';
import { DARK_MODERN } from './themes';

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
const base = lastSnapshot(recordFixture({ streams: 3, seconds: 10 }));

const user = (name: string, figures: Partial<UserState> = {}): UserState => ({
  user: name,
  inFlight: 0,
  queued: 0,
  requests: 0,
  promptTokens: 0,
  completionTokens: 0,
  requestsThisMinute: 0,
  tokensThisMinute: 0,
  limits: {},
  refused: { requestsPerMinute: 0, tokensPerMinute: 0, queue: 0 },
  ...figures,
});

const USERS: UserState[] = [
  user('alice', {
    inFlight: 3,
    requests: 40,
    requestsThisMinute: 10,
    tokensThisMinute: 9_000,
    limits: { requestsPerMinute: 10, tokensPerMinute: 10_000 },
    refused: { requestsPerMinute: 2, tokensPerMinute: 0, queue: 1 },
  }),
  user('anonymous', { requests: 5, requestsThisMinute: 1 }),
  user('bob', { inFlight: 1, queued: 4, requests: 7, requestsThisMinute: 7 }),
];

let site: DashboardSite;
let browser: Browser;
let d: DashboardPage;

before(async () => {
  if (skip) return;
  site = await serveDashboard();
  browser = await launchChromium();
  d = await openDashboard(browser, site, { theme: DARK_MODERN });
});

after(async () => {
  await browser?.close();
  await site?.close();
});

function full(state: StateSnapshot): FullMessage {
  return {
    type: 'full',
    state,
    history: [],
    recent: [],
    connection: { state: 'connected', detail: null },
  };
}

const rows = () => d.page.locator('table.users tbody tr');
const cells = (name: string) => d.page.locator(`table.users tbody tr[data-key="${name}"] td`);

test('without gateway users the users panel is hidden', { skip }, async () => {
  await d.send(full(base));
  await waitFor(async () => ((await d.page.locator('.replica-card').count()) > 0 ? true : undefined), 'drawn');
  assert.equal(await d.page.locator('.users-section').isVisible(), false);
});

test('each user: in flight, queued, the minute against the limits, requests, 429s; busiest first', {
  skip,
}, async () => {
  await d.send(full({ ...base, users: USERS }));
  await waitFor(async () => ((await rows().count()) === 3 ? true : undefined), 'three user rows');
  assert.ok(await d.page.locator('.users-section').isVisible());
  assert.equal(await d.page.locator('.users-section h2 .count').textContent(), '(2 active of 3)');
  const order = await rows().evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['key']));
  assert.deepEqual(order, ['alice', 'bob', 'anonymous']);
  const headers = await d.page.locator('table.users thead th').allTextContents();
  assert.deepEqual(headers, ['User', 'In flight', 'Queued', 'Requests/min', 'Tokens/min', 'Requests', '429s']);
  const alice = await cells('alice').allTextContents();
  assert.equal(alice[0], 'alice');
  assert.equal(alice[1], '3');
  assert.equal(alice[3], '10 / 10');
  assert.match(alice[4] ?? '', /^9[,.]?0+0 \/ 10[,.]?000$|^9(\.0)?k \/ 10(\.0)?k$/);
  assert.equal(alice[6], '3');
  assert.equal(await cells('alice').nth(3).getAttribute('class'), 'num bad', 'at its request limit');
  assert.equal(await cells('alice').nth(4).getAttribute('class'), 'num warn', 'near its token limit');
  assert.match(
    (await cells('alice').nth(6).getAttribute('title')) ?? '',
    /2 over the requests limit · 1 too many waiting/,
  );
  const bob = await cells('bob').allTextContents();
  assert.deepEqual([bob[1], bob[2], bob[3], bob[5], bob[6]], ['1', '4', '7', '7', '0']);
  assert.match((await cells('bob').nth(3).getAttribute('title')) ?? '', /no limit on requests per minute/);
  assert.deepEqual(await d.cspViolations(), []);
  assert.deepEqual(d.problems, []);
});

test('an update rewrites user rows in place; a user who finished drops down', { skip }, async () => {
  await d.send(full({ ...base, users: USERS }));
  await waitFor(async () => ((await rows().count()) === 3 ? true : undefined), 'three user rows');
  await d.page.evaluate(() => {
    (document.querySelector('table.users tr[data-key="alice"]') as HTMLElement & { marker?: string }).marker = 'kept';
  });
  const later: StateSnapshot = {
    ...base,
    now: base.now + 1000,
    users: USERS.map((u) => (u.user === 'alice' ? { ...u, inFlight: 0, requests: 43 } : u)),
  };
  const message: UpdateMessage = { type: 'update', state: later, samples: [], requests: [] };
  await d.send(message);
  await waitFor(async () => ((await cells('alice').nth(5).textContent()) === '43' ? true : undefined), 'alice 43');
  const order = await rows().evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['key']));
  assert.deepEqual(order, ['bob', 'alice', 'anonymous']);
  const kept = await d.page.evaluate(
    () => (document.querySelector('table.users tr[data-key="alice"]') as HTMLElement & { marker?: string }).marker,
  );
  assert.equal(kept, 'kept', 'the row node stays');
  assert.equal(await d.page.locator('.users-section h2 .count').textContent(), '(1 active of 3)');
});
