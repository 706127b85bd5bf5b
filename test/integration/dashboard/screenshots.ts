// Writes docs/dashboard-light.png and docs/dashboard-dark.png: the page in headless Chromium under VS Code's
// Light Modern and Dark Modern variables, fed a recording (recordDemo.ts output) or, without one, the fixture.
//   npx tsx test/integration/dashboard/screenshots.ts [/tmp/demo-events.jsonl]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StateSnapshot } from '../../../core/protocol';
import { type RecordedEvent, recordFixture } from './fixture';
import { fullMessageAfter, launchChromium, openDashboard, serveDashboard, waitFor } from './harness';
import { DARK_MODERN, LIGHT_MODERN } from './themes';

const DOCS = resolve(__dirname, '../../../docs');
const MIN_STREAMS_SHOWN = 4;

function loadRecording(path: string | undefined): RecordedEvent[] {
  if (!path) return recordFixture({ streams: 12, seconds: 300 });
  const events = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedEvent);
  // A recording ends when its traffic stops: show the last moment with streams still running.
  let busy = events.length - 1;
  while (busy > 0) {
    const e = events[busy]!;
    if (e.event === 'state' && (e.data as StateSnapshot).streams.length >= MIN_STREAMS_SHOWN) break;
    busy--;
  }
  return busy > 0 ? events.slice(0, busy + 1) : events;
}

async function main(): Promise<void> {
  const full = fullMessageAfter(loadRecording(process.argv[2]));
  const site = await serveDashboard();
  const browser = await launchChromium();
  try {
    for (const [name, theme] of [
      ['light', LIGHT_MODERN],
      ['dark', DARK_MODERN],
    ] as const) {
      const dashboard = await openDashboard(browser, site, { theme, width: 1280, height: 900 });
      await dashboard.send(full);
      await waitFor(
        async () => ((await dashboard.page.locator('.chart canvas').count()) === 4 ? true : undefined),
        'the charts',
      );
      await dashboard.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(null))));
      const path = join(DOCS, `dashboard-${name}.png`);
      await dashboard.page.screenshot({ path, fullPage: true });
      if (dashboard.problems.length > 0) throw new Error(dashboard.problems.join('\n'));
      process.stdout.write(`wrote ${path}\n`);
      await dashboard.page.close();
    }
  } finally {
    await browser.close();
    await site.close();
  }
}

void main();
