// Registers a scenario as a node:test test: a screenshot on failure, and at most one retry when the scenario says it
// can be repeated safely (it notes the retry in the test's diagnostics, so a flaky pass is visible).
import { it, type TestContext } from 'node:test';
import type { Session } from './session';

export interface SessionRef {
  session: Session | undefined;
}

export interface ScenarioOptions {
  /** Whether the scenario can run again after a failure (it restores what it changes). */
  retry: boolean;
  timeoutMs?: number;
}

export function scenario(
  ref: SessionRef,
  name: string,
  slug: string,
  options: ScenarioOptions,
  body: (session: Session, t: TestContext) => Promise<void>,
): void {
  // E2E_ONLY=01,03 runs only the scenarios whose slugs start so (while developing; CI runs them all).
  const only = process.env.E2E_ONLY?.split(',').filter(Boolean);
  if (only && !only.some((prefix) => slug.startsWith(prefix))) {
    it.skip(`${name} (not in E2E_ONLY)`);
    return;
  }
  it(name, { timeout: options.timeoutMs ?? 120_000 }, async (t) => {
    const session = ref.session;
    if (!session) throw new Error('the end-to-end session did not start (see the before hook)');
    const attempts = options.retry ? 2 : 1;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      try {
        await body(session, t);
        t.diagnostic(`${slug}: passed on attempt ${attempt} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return;
      } catch (error) {
        await session.workbench.screenshot(`${slug}-failed-${attempt}`).catch(() => undefined);
        if (attempt >= attempts) throw error;
        t.diagnostic(`${slug}: attempt ${attempt} failed (${(error as Error).message}); retrying once`);
        await session.workbench.dismissQuickInput().catch(() => undefined);
        await session.workbench.page.keyboard.press('Escape').catch(() => undefined);
      }
    }
  });
}
