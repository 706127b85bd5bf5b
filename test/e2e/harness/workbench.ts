// Page object for the VS Code workbench in Chromium: what a person sees and does, as small named helpers.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { artifactsDir } from './paths';
import { waitFor } from './waitFor';

export class Workbench {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string, folder: string): Promise<Workbench> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, {
      waitUntil: 'domcontentloaded',
      timeout: 120_000,
    });
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
    return new Workbench(page);
  }

  // ---- command palette and quick picks ----

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** F1, type the command's title, wait until the palette's selected row is that command, Enter. */
  async runCommand(title: string): Promise<void> {
    await this.dismissQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    await this.quickInput
      .locator('.monaco-list-row.focused', { hasText: title })
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 });
    await input.press('Enter');
  }

  /** In an open quick pick: waits for a row with `label`, types it to filter, selects it with Enter. */
  async pick(label: string | RegExp, filter?: string): Promise<void> {
    const input = this.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await this.quickInput.locator('.monaco-list-row', { hasText: label }).first().waitFor({ timeout: 10_000 });
    if (filter !== undefined) await input.fill(filter);
    const row = this.quickInput.locator('.monaco-list-row.focused', { hasText: label }).first();
    if (!(await row.isVisible())) {
      await this.quickInput.locator('.monaco-list-row', { hasText: label }).first().click();
      return;
    }
    await input.press('Enter');
  }

  /** Rows currently offered by the open quick pick (their visible text). */
  async quickPickRows(): Promise<string[]> {
    await this.quickInput.locator('.monaco-list-row').first().waitFor({ timeout: 10_000 });
    return this.quickInput.locator('.monaco-list-row').allInnerTexts();
  }

  async dismissQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: 5000 });
    }
  }

  // ---- notifications ----

  notificationMessages(): Locator {
    return this.page.locator('.notification-list-item-message');
  }

  /** Waits for a notification whose text matches, returns its text. */
  async waitForNotification(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    return waitFor(
      `a notification matching ${pattern}`,
      async () => (await this.notificationMessages().allInnerTexts()).find((text) => pattern.test(text)),
      { timeoutMs },
    );
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  // ---- views, trees, status bar ----

  /** Opens a view container from the activity bar, as a click on its icon would. */
  async openViewContainer(name: string): Promise<void> {
    const item = this.page.locator(`.activitybar .action-item:has(.action-label[aria-label^="${name}"])`).first();
    await item.waitFor({ timeout: 30_000 });
    const checked = await item.getAttribute('aria-selected');
    if (checked !== 'true' && !(await item.evaluate((el) => el.classList.contains('checked')))) await item.click();
  }

  /** The pane of a view, found by its title (the header may be hidden when it is the container's only view). */
  viewPane(title: string): Locator {
    return this.page
      .locator('.part.sidebar .pane')
      .filter({ has: this.page.locator('.pane-header .title', { hasText: new RegExp(`^${title}$`, 'i') }) });
  }

  treeRows(paneTitle: string): Locator {
    return this.viewPane(paneTitle).locator('.monaco-list-row');
  }

  /** The row whose label is exactly `label` (its description and icons aside). */
  treeRow(paneTitle: string, label: string): Locator {
    const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    return this.treeRows(paneTitle)
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
      .first();
  }

  /**
   * Each row as "label description | aria-label | codicons of the item itself" (inline action buttons left out),
   * enough to tell a replica's name and state.
   */
  async treeRowTexts(paneTitle: string): Promise<string[]> {
    return this.treeRows(paneTitle).evaluateAll((rows) =>
      rows.map((row) => {
        const icons = [...row.querySelectorAll('[class*="codicon-"]')]
          .filter((el) => !el.closest('.actions'))
          .flatMap((el) => [...el.classList].filter((c) => c.startsWith('codicon-')))
          .join(' ');
        // No named function inside: the TypeScript loader would wrap it in a helper the page does not have.
        const text = ['.label-name', '.label-description']
          .map((selector) => row.querySelector(selector)?.textContent?.trim() ?? '')
          .join(' ')
          .trim();
        return `${text} | ${row.getAttribute('aria-label') ?? ''} | ${icons}`;
      }),
    );
  }

  /** Waits until the tree's rows satisfy `check`; returns them. */
  async waitForTree(paneTitle: string, what: string, check: (rows: string[]) => boolean, timeoutMs = 30_000) {
    let last: string[] = [];
    try {
      return await waitFor(
        `the ${paneTitle} tree to show ${what}`,
        async () => {
          last = await this.treeRowTexts(paneTitle);
          return check(last) ? last : undefined;
        },
        { timeoutMs },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; rows:\n  ${last.join('\n  ')}`);
    }
  }

  /** Expands a collapsed tree row (no-op when it is expanded already). */
  async expandRow(row: Locator): Promise<void> {
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  }

  /** Right-clicks a row and chooses an entry of its context menu. */
  async contextMenu(row: Locator, entry: string | RegExp): Promise<void> {
    await row.click({ button: 'right' });
    const item = this.page.locator('.context-view .monaco-menu .action-item', { hasText: entry }).first();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    await item.hover();
    await item.click();
    // A menu that has just opened can swallow the first click (seen in CI: the menu stayed open with the entry
    // highlighted). The highlighted entry has focus, so Enter runs it; only when the menu did not close by itself.
    const closed = await item
      .waitFor({ state: 'hidden', timeout: 1500 })
      .then(() => true)
      .catch(() => false);
    if (!closed) {
      await item.hover();
      await this.page.keyboard.press('Enter');
      await item.waitFor({ state: 'hidden', timeout: 5000 });
    }
  }

  statusBarItem(pattern: RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item').filter({ hasText: pattern }).first();
  }

  async waitForStatusBar(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return waitFor(
      `a status bar item matching ${pattern}`,
      async () => {
        const texts = await this.page.locator('.part.statusbar .statusbar-item').allInnerTexts();
        return texts.map((t) => t.replace(/\s+/g, ' ').trim()).find((t) => pattern.test(t));
      },
      { timeoutMs },
    );
  }

  // ---- editors and webviews ----

  /** Closes every editor; an unsaved scratch document (as the vscode.lm scenario leaves) is closed without saving. */
  async closeAllEditors(): Promise<void> {
    await this.runCommand('View: Close All Editors');
    await waitFor('every editor to close', async () => {
      const dontSave = this.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Don't Save$/ }).first();
      if (await dontSave.isVisible()) await dontSave.click();
      return (await this.page.locator('.part.editor .tabs-container .tab').count()) === 0;
    });
  }

  activeTab(): Locator {
    return this.page.locator('.tabs-container .tab.active');
  }

  /** The content frame of the visible webview (VS Code nests it in two iframes). */
  webview(): FrameLocator {
    return this.page.locator('iframe.webview.ready:visible').contentFrame().frameLocator('#active-frame');
  }

  // ---- artifacts ----

  async screenshot(name: string): Promise<string> {
    mkdirSync(artifactsDir, { recursive: true });
    const path = join(artifactsDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
