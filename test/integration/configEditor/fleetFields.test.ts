// The config editor page (headless Chromium) for mixed fleets and a sidecar on another port: top-level model aliases
// (add, change, remove), a pool's fallback (a select of the other pools) and deadline (a duration, checked as typed),
// and the listen port's hint when the running sidecar listens elsewhere than the file says.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { FormEdit, HostToPage, PageToHost } from '../../../core/configEditor/messages';
import { readFormModel } from '../../../extension/configEditor/formModel';
import { validateConfigText } from '../../../extension/configEditor/validate';
import { CHROMIUM, type EditorPage, launchChromium, openEditor, type Site, servePage, waitFor } from './harness';
import { DARK_MODERN } from './themes';

const TEXT = `aliases:
  gpt-4o: Qwen/Qwen3-0.6B
pools:
  - name: primary
    fallback: spare
    deadline: 90s
    replicas:
      - url: http://10.0.0.10:8000
  - name: spare
    replicas:
      - url: http://10.0.0.20:8000
  - name: third
    replicas:
      - url: http://10.0.0.30:8000
`;

function modelMessage(text: string): HostToPage {
  return {
    type: 'model',
    fileName: 'vllm-pools.yaml',
    model: readFormModel(text, validateConfigText(text, 'vllm-pools.yaml')),
  };
}

async function edits(editor: EditorPage, count: number): Promise<FormEdit[]> {
  return waitFor(async () => {
    const posted = (await editor.posted()).filter((m): m is Extract<PageToHost, { type: 'edit' }> => m.type === 'edit');
    return posted.length >= count ? posted.map((m) => m.edit) : undefined;
  }, `${count} edit message(s)`);
}

describe('config editor: aliases, fallback, deadline, listen port (headless Chromium)', {
  skip: !existsSync(CHROMIUM) && `no browser at ${CHROMIUM}`,
}, () => {
  let browser: Browser;
  let site: Site;

  before(async () => {
    site = await servePage();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  async function open(): Promise<EditorPage> {
    const editor = await openEditor(browser, site, DARK_MODERN);
    await editor.send(modelMessage(TEXT));
    await editor.page.waitForSelector('.card.pool');
    return editor;
  }

  it('a pool’s fallback is a select of the other pools; its deadline a duration field', async () => {
    const editor = await open();
    const { page } = editor;
    const fallback = page.locator('[data-key="pools.0.fallback"]');
    assert.equal(await fallback.inputValue(), 'spare');
    assert.deepEqual(await fallback.locator('option').allTextContents(), ['none', 'spare', 'third']);
    assert.deepEqual(await page.locator('[data-key="pools.1.fallback"] option').allTextContents(), [
      'none',
      'primary',
      'third',
    ]);
    assert.equal(await page.locator('[data-key="pools.0.deadline"]').inputValue(), '90s');
    assert.equal(await page.locator('[data-key="pools.1.deadline"]').getAttribute('placeholder'), '600s');
    await fallback.selectOption('third');
    await page.locator('[data-key="pools.1.fallback"]').selectOption('primary');
    await fallback.selectOption('');
    await page.locator('[data-key="pools.0.deadline"]').fill('2m');
    await page.keyboard.press('Tab');
    assert.deepEqual(await edits(editor, 4), [
      { kind: 'set', path: ['pools', 0, 'fallback'], value: 'third' },
      { kind: 'set', path: ['pools', 1, 'fallback'], value: 'primary' },
      { kind: 'delete', path: ['pools', 0, 'fallback'] },
      { kind: 'set', path: ['pools', 0, 'deadline'], value: '2m' },
    ]);
    await page.locator('[data-key="pools.1.deadline"]').fill('90');
    const typing = page.locator('.field[data-path="pools.1.deadline"] .issue.typing');
    await waitFor(async () => ((await typing.count()) > 0 ? true : undefined), 'the typing error');
    assert.match((await typing.textContent()) ?? '', /unit/, 'a bare number is refused as typed');
    assert.deepEqual(editor.problems, []);
    await page.close();
  });

  it('a fallback naming no pool of the file is shown as such, not silently dropped', async () => {
    const editor = await openEditor(browser, site, DARK_MODERN);
    await editor.send(modelMessage(TEXT.replace('fallback: spare', 'fallback: gone')));
    await editor.page.waitForSelector('.card.pool');
    const fallback = editor.page.locator('[data-key="pools.0.fallback"]');
    assert.equal(await fallback.inputValue(), 'gone');
    assert.match((await fallback.locator('option:checked').textContent()) ?? '', /gone \(no such pool\)/);
    await editor.page.close();
  });

  it('aliases: listed name -> model; the model edited, an alias added and removed', async () => {
    const editor = await open();
    const { page } = editor;
    const section = page.locator('.card.aliases');
    assert.match((await section.locator('h2').textContent()) ?? '', /Model aliases \(1\)/);
    assert.equal(await section.locator('tr[data-alias="gpt-4o"] .alias-name').textContent(), 'gpt-4o');
    assert.equal(await page.locator('[data-key="aliases.gpt-4o"]').inputValue(), 'Qwen/Qwen3-0.6B');
    await page.locator('[data-key="aliases.gpt-4o"]').fill('Qwen/Qwen3-8B');
    await page.keyboard.press('Tab');
    await page.locator('[data-key="aliases.new.name"]').fill('gpt-4o');
    await page.locator('[data-key="aliases.new.model"]').fill('x');
    await page.locator('[data-key="aliases.new.add"]').click();
    assert.match((await section.locator('.add-problem').textContent()) ?? '', /already an alias/);
    await page.locator('[data-key="aliases.new.name"]').fill('claude-sonnet-4');
    await page.locator('[data-key="aliases.new.model"]').fill('Qwen/Qwen3-0.6B');
    await page.locator('[data-key="aliases.new.model"]').press('Enter');
    await page.locator('[data-key="aliases.gpt-4o.remove"]').click();
    assert.deepEqual(await edits(editor, 3), [
      { kind: 'set', path: ['aliases', 'gpt-4o'], value: 'Qwen/Qwen3-8B' },
      { kind: 'set', path: ['aliases', 'claude-sonnet-4'], value: 'Qwen/Qwen3-0.6B' },
      { kind: 'delete', path: ['aliases', 'gpt-4o'] },
    ]);
    assert.deepEqual(editor.problems, []);
    await page.close();
  });

  it('the listen port says where the sidecar really runs when the vllmPools.port setting differs', async () => {
    const editor = await open();
    const { page } = editor;
    const portField = page.locator('.field[data-path="listen.port"]');
    assert.doesNotMatch((await portField.textContent()) ?? '', /sidecar runs on/);
    await editor.send({ type: 'live', replicas: [], port: 8811 });
    await waitFor(
      async () => (/runs on port 8811/.test((await portField.textContent()) ?? '') ? true : undefined),
      'the port hint',
    );
    assert.match((await portField.textContent()) ?? '', /vllmPools\.port setting/);
    await editor.send({ type: 'live', replicas: [], port: 8800 });
    await waitFor(
      async () => (/runs on port/.test((await portField.textContent()) ?? '') ? undefined : true),
      'no hint on the same port',
    );
    await editor.send({ type: 'live', replicas: null });
    assert.doesNotMatch((await portField.textContent()) ?? '', /runs on port/);
    assert.deepEqual(editor.problems, []);
    await page.close();
  });
});
