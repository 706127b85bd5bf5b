// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:..} is a config reference
// The config editor page keeps what the user has typed but not yet committed (the add-replica and add-pool rows, a
// key source chosen without a name yet) across the re-renders that every document change causes, and live replica
// state never rebuilds an input. Headless Chromium with a stubbed VS Code API, as in page.test.ts.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { applyFormEdit } from '../../../core/config/yamlEdit';
import type { FormEdit, HostToPage, LiveReplica, PageToHost } from '../../../core/configEditor/messages';
import { readFormModel } from '../../../extension/configEditor/formModel';
import { validateConfigText } from '../../../extension/configEditor/validate';
import { CHROMIUM, type EditorPage, launchChromium, openEditor, type Site, servePage, waitFor } from './harness';
import { SAMPLE } from './sample';
import { DARK_MODERN } from './themes';

function modelMessage(text: string): HostToPage {
  return { type: 'model', fileName: 'vllm-pools.yaml', model: readFormModel(text, validateConfigText(text, 'x.yaml')) };
}

function liveMessage(state: LiveReplica['state']): HostToPage {
  return {
    type: 'live',
    replicas: [{ pool: 'llama-8b', url: 'http://10.0.0.10:8000', name: 'gpu-a', state, reason: null, inflight: 1 }],
  };
}

async function editsPosted(editor: EditorPage, count: number): Promise<FormEdit[]> {
  return waitFor(async () => {
    const edits = (await editor.posted()).filter((m): m is Extract<PageToHost, { type: 'edit' }> => m.type === 'edit');
    return edits.length >= count ? edits.map((m) => m.edit) : undefined;
  }, `${count} edit message(s)`);
}

/** Tags every input and select of the page, so that a later check can tell whether any of them was rebuilt. */
async function tagControls(page: Page): Promise<number> {
  return page.evaluate(() => {
    const controls = document.querySelectorAll('input, select');
    for (const control of controls) (control as Element & { tagged?: boolean }).tagged = true;
    return controls.length;
  });
}

async function untaggedControls(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      [...document.querySelectorAll('input, select')].filter((c) => !(c as Element & { tagged?: boolean }).tagged)
        .length,
  );
}

async function focusedKey(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['key']);
}

describe('config editor page keeps uncommitted input (headless Chromium)', {
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

  async function open(text = SAMPLE): Promise<EditorPage> {
    const editor = await openEditor(browser, site, DARK_MODERN);
    await editor.send(modelMessage(text));
    await editor.page.waitForSelector('.card.pool');
    return editor;
  }

  it('adds a replica with the URL and the name typed across a live update and a document change', async () => {
    const editor = await open();
    const { page } = editor;
    const url = page.locator('[data-key="pools.1.new.url"]');
    const name = page.locator('[data-key="pools.1.new.name"]');
    await url.click();
    await page.keyboard.type('http://10.0.0.22:8000');
    await name.click();
    await page.keyboard.type('coder');

    // Live state: only the badges change; no input or select is rebuilt.
    const controls = await tagControls(page);
    assert.ok(controls > 20, `${controls} controls`);
    await editor.send(liveMessage('healthy'));
    await page.waitForSelector('.state.healthy');
    await editor.send(liveMessage('unhealthy'));
    await page.waitForSelector('.state.unhealthy');
    assert.equal(await untaggedControls(page), 0, 'a live update rebuilt inputs');

    // A document change (someone edits the text) rebuilds the form while the name is half typed.
    await editor.send(modelMessage(SAMPLE.replace('retries: 2', 'retries: 4')));
    await waitFor(
      async () => ((await page.locator('[data-key="pools.0.retries"]').inputValue()) === '4' ? true : undefined),
      'the document change to show',
    );
    assert.equal(await focusedKey(page), 'pools.1.new.name');
    await page.keyboard.type('-3');
    assert.equal(await url.inputValue(), 'http://10.0.0.22:8000');
    assert.equal(await name.inputValue(), 'coder-3');

    await page.locator('[data-key="pools.1.new.add"]').click();
    const [edit] = await editsPosted(editor, 1);
    assert.deepEqual(edit, {
      kind: 'append',
      path: ['pools', 1, 'replicas'],
      value: { url: 'http://10.0.0.22:8000', name: 'coder-3' },
    });

    // Once added, the row is empty again, also after the document change that the edit causes.
    await editor.send(modelMessage(applyFormEdit(SAMPLE, edit!).text));
    await page.waitForSelector('[data-key="pools.1.replicas.2.url"]');
    assert.equal(await url.inputValue(), '');
    assert.equal(await name.inputValue(), '');
    assert.deepEqual(editor.problems, []);
    await page.close();
  });

  it('keeps the add-pool row, a chosen key source, focus and selection across a document change', async () => {
    const editor = await open();
    const { page } = editor;
    await page.locator('[data-key="newPool.name"]').fill('mistral');
    await page.locator('[data-key="pools.0.replicas.2.apiKey.kind"]').selectOption('env');
    const poolUrl = page.locator('[data-key="newPool.url"]');
    await poolUrl.click();
    await page.keyboard.type('http://10.0.0.30:8000');
    await poolUrl.evaluate((el) => (el as HTMLInputElement).setSelectionRange(7, 15));

    await editor.send(modelMessage(SAMPLE.replace('shutdownGrace: 30s', 'shutdownGrace: 10s')));
    await waitFor(
      async () => ((await page.locator('[data-key="shutdownGrace"]').inputValue()) === '10s' ? true : undefined),
      'the document change to show',
    );
    assert.equal(await page.locator('[data-key="newPool.name"]').inputValue(), 'mistral');
    assert.equal(await poolUrl.inputValue(), 'http://10.0.0.30:8000');
    assert.equal(await focusedKey(page), 'newPool.url');
    assert.deepEqual(
      await poolUrl.evaluate((el) => [(el as HTMLInputElement).selectionStart, (el as HTMLInputElement).selectionEnd]),
      [7, 15],
    );
    // The key source chosen without a name yet is still chosen, and its name field still open for typing.
    assert.equal(await page.locator('[data-key="pools.0.replicas.2.apiKey.kind"]').inputValue(), 'env');
    const keyName = page.locator('[data-key="pools.0.replicas.2.apiKey"]');
    assert.ok(await keyName.isEnabled());
    assert.equal((await editor.posted()).filter((m) => m.type === 'edit').length, 0, 'nothing committed yet');

    await page.locator('[data-key="newPool.add"]').click();
    await keyName.fill('GPU_C_KEY');
    await keyName.press('Enter');
    const edits = await editsPosted(editor, 2);
    assert.deepEqual(edits, [
      { kind: 'append', path: ['pools'], value: { name: 'mistral', replicas: [{ url: 'http://10.0.0.30:8000' }] } },
      { kind: 'set', path: ['pools', 0, 'replicas', 2, 'apiKey'], value: '${env:GPU_C_KEY}' },
    ]);
    assert.deepEqual(editor.problems, []);
    await page.close();
  });

  it('keeps drafts and focus with their pool when a text edit inserts a pool before it', async () => {
    const editor = await open();
    const { page } = editor;
    await page.locator('[data-key="pools.0.new.name"]').fill('gpu-d');
    const qwenUrl = page.locator('[data-key="pools.1.new.url"]');
    await qwenUrl.click();
    await page.keyboard.type('http://10.0.0.24:8000');
    const inserted = SAMPLE.replace(
      'pools:\n',
      'pools:\n  - name: mistral\n    replicas:\n      - url: http://10.0.0.40:8000\n',
    );
    await editor.send(modelMessage(inserted));
    await waitFor(async () => ((await page.locator('.card.pool').count()) === 3 ? true : undefined), 'three pools');
    // The new pool at the top has no drafts; llama-8b (now 1) and qwen-coder (now 2) keep theirs, focus included.
    assert.equal(await page.locator('[data-key="pools.0.new.url"]').inputValue(), '');
    assert.equal(await page.locator('[data-key="pools.0.new.name"]').inputValue(), '');
    assert.equal(await page.locator('[data-key="pools.1.new.name"]').inputValue(), 'gpu-d');
    assert.equal(await page.locator('[data-key="pools.2.new.url"]').inputValue(), 'http://10.0.0.24:8000');
    assert.equal(await focusedKey(page), 'pools.2.new.url');
    await page.keyboard.press('Enter');
    const edits = await editsPosted(editor, 1);
    assert.deepEqual(edits.at(-1), {
      kind: 'append',
      path: ['pools', 2, 'replicas'],
      value: { url: 'http://10.0.0.24:8000' },
    });
    assert.deepEqual(editor.problems, []);
    await page.close();
  });

  it('shows a Test result on the replica it was asked for after a pool is inserted before it', async () => {
    const editor = await open();
    const { page } = editor;
    await page.locator('[data-key="pools.1.replicas.1.test"]').click();
    const inserted = SAMPLE.replace(
      'pools:\n',
      'pools:\n  - name: mistral\n    replicas:\n      - url: http://10.0.0.40:8000\n',
    );
    await editor.send(modelMessage(inserted));
    await waitFor(async () => ((await page.locator('.card.pool').count()) === 3 ? true : undefined), 'three pools');
    // The host answers with the indexes it was asked with (pool 1, replica 1: coder-2 at the time).
    await editor.send({ type: 'testResult', pool: 1, replica: 1, ok: true, message: 'coder-2 answers', models: [] });
    await page.waitForSelector('.test-result.ok');
    const row = page.locator('tr[data-path="pools.2.replicas.1"] + tr.test-row');
    assert.match((await row.textContent()) ?? '', /coder-2 answers/);
    assert.equal(await page.locator('.test-result').count(), 1);
    assert.deepEqual(editor.problems, []);
    await page.close();
  });

  it('moves a draft with its pool when the form removes an earlier pool', async () => {
    const editor = await open();
    const { page } = editor;
    await page.locator('[data-key="pools.1.new.url"]').fill('http://10.0.0.23:8000');
    await page.locator('[data-key="pools.0.remove"]').click();
    const [edit] = await editsPosted(editor, 1);
    assert.deepEqual(edit, { kind: 'delete', path: ['pools', 0] });
    await editor.send(modelMessage(applyFormEdit(SAMPLE, edit!).text));
    await waitFor(async () => ((await page.locator('.card.pool').count()) === 1 ? true : undefined), 'one pool');
    assert.equal(await page.locator('[data-key="pools.0.new.url"]').inputValue(), 'http://10.0.0.23:8000');
    assert.deepEqual(editor.problems, []);
    await page.close();
  });
});
