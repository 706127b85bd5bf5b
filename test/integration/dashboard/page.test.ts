// The dashboard page in headless Chromium (Debian's /usr/bin/chromium through playwright-core), under its real CSP,
// fed a recording of /admin/events through the host's feed; it checks the figures shown and the messages posted.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { sampleOf } from '../../../core/dashboard/history';
import type { UpdateMessage } from '../../../core/dashboard/messages';
import type { StateSnapshot } from '../../../core/protocol';
import { lastSnapshot, recordFixture, requestEvents } from './fixture';
import {
  CHROMIUM,
  type DashboardPage,
  type DashboardSite,
  fullMessageAfter,
  launchChromium,
  openDashboard,
  serveDashboard,
  waitFor,
} from './harness';
import { DARK_MODERN } from './themes';

const STREAMS = 50;
const recording = recordFixture({ streams: STREAMS, seconds: 120 });
const snapshot = lastSnapshot(recording);
const full = fullMessageAfter(recording);
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

let site: DashboardSite;
let browser: Browser;
/** One page for all tests (opening pages is the slow part); each test starts from a full message. */
let shared: DashboardPage;
let postedOnLoad: unknown[] = [];
let noticeOnLoad = '';

before(async () => {
  if (skip) return;
  site = await serveDashboard();
  browser = await launchChromium();
  shared = await openDashboard(browser, site, { theme: DARK_MODERN });
  postedOnLoad = await shared.posted();
  noticeOnLoad = (await shared.page.locator('.notice').textContent()) ?? '';
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** Back to the recording's picture: a full message replaces everything the page knew. */
async function loaded(): Promise<DashboardPage> {
  await shared.clearPosted();
  await shared.send(full);
  await waitFor(
    async () =>
      (await shared.page.locator('.replica-card').count()) === 5 &&
      (await shared.page.locator('table.streams tbody tr').count()) === STREAMS
        ? true
        : undefined,
    'the recording drawn',
  );
  return shared;
}

const card = (d: DashboardPage, replica: string) => d.page.locator(`.replica-card[data-replica="${replica}"]`);
const field = (d: DashboardPage, replica: string, name: string) =>
  card(d, replica).locator(`[data-field="${name}"]`).textContent();

async function assertClean(d: DashboardPage): Promise<void> {
  assert.deepEqual(await d.cspViolations(), [], 'no CSP violations');
  assert.deepEqual(d.problems, [], 'no page errors');
}

test('asks the host for everything when it loads, and says it waits', { skip }, async () => {
  assert.deepEqual(postedOnLoad, [{ type: 'ready' }]);
  assert.match(noticeOnLoad, /Waiting for the sidecar/);
});

test('replica cards show the snapshot’s figures, states and reasons', { skip }, async () => {
  const d = await loaded();
  const pool = snapshot.pools[0]!;
  const gpuA = pool.replicas.find((r) => r.name === 'gpu-a')!;
  assert.equal(await field(d, 'gpu-a', 'inflight'), String(gpuA.inflight));
  assert.equal(await field(d, 'gpu-a', 'ttft'), `${gpuA.ttftMs!.p50} / ${gpuA.ttftMs!.p95} ms`);
  assert.equal(await field(d, 'gpu-a', 'itl'), `${Math.round(gpuA.itlMs!.p50)} / ${Math.round(gpuA.itlMs!.p95)} ms`);
  assert.equal(await field(d, 'gpu-a', 'state'), 'healthy');
  assert.equal(await field(d, 'gpu-a', 'kv-cache'), `${Math.round(gpuA.engine!.kvCacheUsage * 100)}%`);
  assert.equal(await field(d, 'gpu-a', 'engine-queue'), `${gpuA.engine!.running} / ${gpuA.engine!.waiting}`);
  assert.equal(await field(d, 'gpu-a', 'lora'), 'sql-lora of 2 · waiting py-lora', 'the engine’s adapters');
  assert.ok(!(await card(d, 'gpu-b').locator('[data-field="lora"]').isVisible()), 'no LoRA row without LoRA');

  assert.equal(await field(d, 'gpu-b', 'state'), 'draining');
  assert.equal(await field(d, 'gpu-b', 'reason'), 'drained by admin');
  assert.equal(await card(d, 'gpu-b').getByRole('button').textContent(), 'Enable');
  assert.equal(await card(d, 'gpu-a').getByRole('button').textContent(), 'Drain');

  assert.equal(await field(d, 'gpu-c', 'state'), 'down', 'the label of core/replicaStates.ts, as in the Pools tree');
  assert.match((await field(d, 'gpu-c', 'reason')) ?? '', /^3 failures in 30s · last error: health check: connect/);
  assert.equal(await field(d, 'gpu-c', 'ttft'), '—');
  assert.ok(await card(d, 'gpu-c').locator('.engine-off').isVisible(), 'no engine figures before a scrape');
  assert.ok(!(await card(d, 'gpu-c').locator('.engine').isVisible()));

  assert.equal(
    await d.page.locator('.pool[data-pool="llama-8b"] .pool-summary').textContent(),
    `1/3 healthy · ${pool.models[0]}`,
  );
  assert.equal(await d.page.locator('select[data-pool="llama-8b"]').inputValue(), 'prefix-aware');
  assert.equal(await d.page.locator('select[data-pool="qwen-coder"]').inputValue(), 'least-connections');
  assert.equal(await d.page.locator('.endpoint').textContent(), 'http://127.0.0.1:8800/v1');
  await assertClean(d);
});

test('the streams table has one row per active stream, newest first', { skip }, async () => {
  const d = await loaded();
  const rows = d.page.locator('table.streams tbody tr');
  assert.equal(await rows.count(), STREAMS);
  assert.equal(await d.page.locator('.streams-section h2 .count').textContent(), `(${STREAMS})`);
  const newest = snapshot.streams.reduce((a, b) => (b.startedAt > a.startedAt ? b : a));
  const cells = await rows.first().locator('td').allTextContents();
  assert.deepEqual(cells.slice(0, 3), [newest.pool, newest.replica, newest.model]);
});

test('an update rewrites stream rows in place, keyed, and drops finished ones', { skip }, async () => {
  const d = await loaded();
  const tracked = snapshot.streams[10]!;
  const row = `table.streams tbody tr[data-key="${tracked.id}"]`;
  await d.page.evaluate((selector) => {
    (document.querySelector(selector) as HTMLElement & { marker?: string }).marker = 'same node';
  }, row);

  const later: StateSnapshot = {
    ...snapshot,
    now: snapshot.now + 1000,
    streams: snapshot.streams.slice(0, 30).map((s) => ({ ...s, ageMs: s.ageMs + 1000, tokens: s.tokens + 50 })),
  };
  const message: UpdateMessage = { type: 'update', state: later, samples: [sampleOf(later)], requests: [] };
  await d.send(message);
  await waitFor(
    async () => ((await d.page.locator('table.streams tbody tr').count()) === 30 ? true : undefined),
    '30 stream rows',
  );
  const after = await d.page.evaluate((selector) => {
    const element = document.querySelector(selector) as (HTMLElement & { marker?: string }) | null;
    return element ? { marker: element.marker, tokens: element.children[4]!.textContent } : null;
  }, row);
  assert.deepEqual(after, { marker: 'same node', tokens: (tracked.tokens + 50).toLocaleString('en-US') });
});

test('recent requests list the request events, newest first, with status and attempts', { skip }, async () => {
  const d = await loaded();
  const rows = d.page.locator('table.recent tbody tr');
  assert.equal(await rows.count(), 20);
  const events = requestEvents(recording);
  const newest = events[events.length - 1]!;
  const first = await rows.first().locator('td').allTextContents();
  assert.equal(first[1], String(newest.status));
  assert.equal(first[2], `${newest.pool} / ${newest.replica}`);
  assert.equal(first[4], String(newest.attempts));

  const failed = {
    ...newest,
    id: 'failed-one',
    status: 502,
    attempts: 3,
    error: 'connect',
    tokens: 0,
    ttftMs: null,
  };
  await d.send({ type: 'update', state: null, samples: [], requests: [failed] });
  await waitFor(
    async () => ((await rows.first().getAttribute('data-key')) === 'failed-one' ? true : undefined),
    'the failed request on top',
  );
  const cells = await rows.first().locator('td').allTextContents();
  assert.deepEqual([cells[1], cells[4], cells[6], cells[9]], ['502', '3', '—', 'connect']);
  assert.equal(await rows.first().locator('td').nth(1).getAttribute('class'), 'num bad');
  assert.equal(await rows.count(), 20, 'still the last 20');
});

test('switching the algorithm posts setAlgorithm; a refusal shows the error and the algorithm in force', {
  skip,
}, async () => {
  const d = await loaded();
  const select = d.page.locator('select[data-pool="qwen-coder"]');
  await select.selectOption('queue-aware');
  const posted = await waitFor(async () => {
    const messages = await d.posted();
    return messages.find((m) => m.type === 'setAlgorithm');
  }, 'a setAlgorithm message');
  assert.deepEqual(posted, { type: 'setAlgorithm', pool: 'qwen-coder', algorithm: 'queue-aware' });
  // The page shows the chosen algorithm's description on its next (coalesced) render.
  await waitFor(async () => {
    const text = await d.page.locator('.pool[data-pool="qwen-coder"] .algorithm-description').textContent();
    return /\/metrics/.test(text ?? '') ? true : undefined;
  }, 'the queue-aware description');

  await d.send({
    type: 'actionResult',
    action: 'setAlgorithm',
    pool: 'qwen-coder',
    replica: null,
    ok: false,
    message: 'PUT /admin/algorithm: 401 missing or wrong admin token',
  });
  await waitFor(
    async () => ((await select.inputValue()) === 'least-connections' ? true : undefined),
    'the selector back on the algorithm in force',
  );
  assert.match((await d.page.locator('.pool[data-pool="qwen-coder"] p.action-error').textContent()) ?? '', /401/);
});

test('drain and enable post their messages; the keyboard reaches them with a visible focus ring', {
  skip,
}, async () => {
  const d = await loaded();
  await card(d, 'gpu-a').getByRole('button', { name: 'Drain gpu-a' }).click();
  await waitFor(
    async () => ((await card(d, 'gpu-a').getByRole('button').textContent()) === 'Draining…' ? true : undefined),
    'the pending label',
  );

  // Tab from the top of the page until the focus is on gpu-b's Enable button (bounded).
  await d.page.locator('body').click({ position: { x: 2, y: 2 } });
  let reached = false;
  const visited: string[] = [];
  for (let i = 0; i < 30 && !reached; i++) {
    await d.page.keyboard.press('Tab');
    const label = await d.page.evaluate(
      () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName ?? '',
    );
    visited.push(label);
    reached = label === 'Enable gpu-b';
  }
  assert.ok(reached, `Tab order: ${visited.join(', ')}`);
  assert.ok(
    visited.some((v) => v === 'SELECT'),
    'the algorithm selector is in the Tab order',
  );
  const outline = await d.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await d.page.keyboard.press('Enter');

  const messages = await waitFor(async () => {
    const all = await d.posted();
    return all.some((m) => m.type === 'enable') ? all : undefined;
  }, 'an enable message');
  assert.deepEqual(
    messages.filter((m) => m.type === 'drain' || m.type === 'enable'),
    [
      { type: 'drain', pool: 'llama-8b', replica: 'gpu-a' },
      { type: 'enable', pool: 'llama-8b', replica: 'gpu-b' },
    ],
  );
});

test('a burst of updates is drawn in a few frames, showing the last one', { skip }, async () => {
  const d = await loaded();
  const before = await d.renders();
  const burst: UpdateMessage[] = Array.from({ length: 100 }, (_, i) => {
    const state: StateSnapshot = {
      ...snapshot,
      now: snapshot.now + (i + 1) * 10,
      pools: snapshot.pools.map((p) => ({
        ...p,
        replicas: p.replicas.map((r) => (r.name === 'gpu-a' ? { ...r, inflight: 1000 + i } : r)),
      })),
    };
    return { type: 'update', state, samples: [sampleOf(state)], requests: [] };
  });
  await d.page.evaluate((messages) => {
    for (const message of messages) window.postMessage(message, '*');
  }, burst);
  await waitFor(async () => ((await field(d, 'gpu-a', 'inflight')) === '1099' ? true : undefined), 'the last figure');
  const renders = (await d.renders()) - before;
  assert.ok(renders >= 1 && renders <= 3, `${renders} renders for 100 messages`);
});

test('a lost link says so and keeps the last figures', { skip }, async () => {
  const d = await loaded();
  await d.send({
    type: 'connection',
    connection: { state: 'disconnected', detail: 'no state from the sidecar for 6 s' },
  });
  await waitFor(
    async () => ((await d.page.locator('.connection').textContent()) === 'disconnected' ? true : undefined),
    'the disconnected badge',
  );
  assert.match(
    (await d.page.locator('.notice').textContent()) ?? '',
    /no state from the sidecar for 6 s\. Figures below are from the last snapshot/,
  );
  assert.equal(await d.page.locator('.replica-card').count(), 5);
});

test('while the sidecar is stopped Drain and Enable are disabled, and a pending "Draining…" does not stay', {
  skip,
}, async () => {
  const d = await loaded();
  const button = () => card(d, 'gpu-a').getByRole('button');
  await button().click();
  await waitFor(async () => ((await button().textContent()) === 'Draining…' ? true : undefined), 'the pending label');
  await d.send({ type: 'connection', connection: { state: 'disconnected', detail: 'the sidecar is stopped' } });
  await waitFor(async () => ((await button().textContent()) === 'Drain' ? true : undefined), 'no longer pending');
  assert.equal(await button().getAttribute('aria-disabled'), 'true');
  assert.match((await button().getAttribute('title')) ?? '', /not running/);
  assert.equal(await card(d, 'gpu-b').getByRole('button').getAttribute('aria-disabled'), 'true');
  await d.clearPosted();
  await card(d, 'gpu-b').getByRole('button').click({ force: true }); // Playwright treats aria-disabled as disabled
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(
    (await d.posted()).filter((m) => m.type === 'drain' || m.type === 'enable'),
    [],
    'nothing sent to a stopped sidecar',
  );
  assert.equal(await card(d, 'gpu-b').getByRole('button').textContent(), 'Enable');
});

test('a down replica whose reason already holds its last error says it once', { skip }, async () => {
  const d = await loaded();
  const error = 'connect ECONNREFUSED 127.0.0.1:9';
  const state: StateSnapshot = {
    ...snapshot,
    pools: snapshot.pools.map((p) => ({
      ...p,
      replicas: p.replicas.map((r) =>
        r.name === 'gpu-c'
          ? { ...r, state: 'unhealthy' as const, reason: `health check: ${error}`, lastError: error }
          : r,
      ),
    })),
  };
  await d.send({ type: 'update', state, samples: [], requests: [] });
  await waitFor(
    async () => ((await field(d, 'gpu-c', 'reason'))?.startsWith('health check') ? true : undefined),
    'the new reason',
  );
  assert.equal(await field(d, 'gpu-c', 'reason'), `health check: ${error}`);
});

test('a malformed message from the host is ignored with one console warning; the next good one is drawn', {
  skip,
}, async () => {
  const d = await loaded();
  const warnings: string[] = [];
  const onConsole = (message: { type(): string; text(): string }) => {
    if (message.type() === 'warning') warnings.push(message.text());
  };
  d.page.on('console', onConsole);
  try {
    const before = await d.renders();
    // Without the gate, an update without samples threw in the page (and an unknown type was dropped silently).
    for (const bad of [{ type: 'update', state: null }, { type: 'update', state: null }, { type: 'reload' }, null]) {
      await d.page.evaluate((m) => window.postMessage(m, '*'), bad);
    }
    await d.send({ type: 'connection', connection: { state: 'disconnected', detail: 'after the bad ones' } });
    await waitFor(
      async () => ((await d.page.locator('.connection').textContent()) === 'disconnected' ? true : undefined),
      'the good message after the bad ones',
    );
    assert.ok((await d.renders()) > before);
    assert.deepEqual(warnings, [
      'ignored a malformed message: message.samples: expected an array, got undefined',
      'ignored a malformed message: message.type: expected one of full, update, connection, actionResult, got "reload"',
      'ignored a malformed message: message: expected an object, got null',
    ]);
    await assertClean(d);
  } finally {
    d.page.off('console', onConsole);
  }
});
