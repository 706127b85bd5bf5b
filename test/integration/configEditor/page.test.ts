// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:..} and ${secret:..} are config references
// The config editor page in headless Chromium with a stubbed VS Code API: it shows the pools of a file, turns input
// into the right edit messages, and puts validation errors next to their fields. Also takes the docs screenshots
// (written to docs/ when UPDATE_SCREENSHOTS=1).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { applyFormEdit } from '../../../core/config/yamlEdit';
import type { FormEdit, HostToPage, PageToHost } from '../../../core/configEditor/messages';
import { readFormModel } from '../../../extension/configEditor/formModel';
import { validateConfigText } from '../../../extension/configEditor/validate';
import { CHROMIUM, type EditorPage, launchChromium, openEditor, type Site, servePage, waitFor } from './harness';
import { SAMPLE } from './sample';
import { DARK_MODERN, LIGHT_MODERN, type WebviewTheme } from './themes';

const ROOT = resolve(import.meta.dirname, '../../..');

function modelMessage(text: string): HostToPage {
  return {
    type: 'model',
    fileName: 'vllm-pools.yaml',
    model: readFormModel(text, validateConfigText(text, 'vllm-pools.yaml')),
  };
}

async function editsPosted(editor: EditorPage, count: number): Promise<FormEdit[]> {
  return waitFor(async () => {
    const edits = (await editor.posted()).filter((m): m is Extract<PageToHost, { type: 'edit' }> => m.type === 'edit');
    return edits.length >= count ? edits.map((m) => m.edit) : undefined;
  }, `${count} edit message(s)`);
}

describe('config editor page (headless Chromium)', {
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

  async function open(theme: WebviewTheme = DARK_MODERN, text = SAMPLE): Promise<EditorPage> {
    const editor = await openEditor(browser, site, theme);
    await editor.send(modelMessage(text));
    await editor.page.waitForSelector('.card.pool');
    return editor;
  }

  it('shows each pool of the file with its replicas and settings', async () => {
    const editor = await open();
    const { page } = editor;
    assert.deepEqual(await page.locator('.card.pool h3').allTextContents(), ['llama-8b', 'qwen-coder']);
    assert.equal(await page.locator('.card.pool').nth(0).locator('tbody tr').count(), 3);
    assert.equal(await page.locator('[data-key="pools.0.replicas.0.url"]').inputValue(), 'http://10.0.0.10:8000');
    assert.equal(await page.locator('[data-key="pools.0.algorithm"]').inputValue(), 'prefix-aware');
    assert.equal(await page.locator('[data-key="pools.0.healthCheck.interval"]').inputValue(), '5s');
    assert.equal(await page.locator('[data-key="pools.0.replicas.0.apiKey.kind"]').inputValue(), 'env');
    assert.equal(await page.locator('[data-key="pools.0.replicas.0.apiKey"]').inputValue(), 'VLLM_API_KEY');
    // The literal key is never shown, and it is flagged.
    const literal = page.locator('.field[data-path="pools.1.replicas.0.apiKey"]');
    assert.equal(await literal.locator('input').inputValue(), '••••••••');
    assert.match((await literal.textContent()) ?? '', /literal/i);
    assert.ok(!(await page.content()).includes('sk-live-1234567890'));
    assert.match((await page.locator('.card.pool').nth(0).textContent()) ?? '', /Prefix-cache affinity/);
    await editor.posted();
    assert.deepEqual(editor.problems, []);
    await page.close();
  });

  it('posts the edit for a changed field, and for moved, added and removed replicas', async () => {
    const editor = await open();
    const { page } = editor;
    await page.locator('[data-key="pools.0.replicas.1.weight"]').fill('3');
    await page.keyboard.press('Tab');
    let edits = await editsPosted(editor, 1);
    assert.deepEqual(edits[0], { kind: 'set', path: ['pools', 0, 'replicas', 1, 'weight'], value: 3 });

    await page.locator('[data-key="pools.1.algorithm"]').selectOption('round-robin');
    edits = await editsPosted(editor, 2);
    assert.deepEqual(edits[1], { kind: 'set', path: ['pools', 1, 'algorithm'], value: 'round-robin' });

    await page.locator('[data-key="pools.0.failTimeout"]').fill('');
    await page.keyboard.press('Tab');
    edits = await editsPosted(editor, 3);
    assert.deepEqual(edits[2], { kind: 'delete', path: ['pools', 0, 'failTimeout'] });

    await page.locator('[data-key="pools.0.replicas.0.url"]').focus();
    await page.keyboard.press('Alt+ArrowDown');
    edits = await editsPosted(editor, 4);
    assert.deepEqual(edits[3], { kind: 'move', path: ['pools', 0, 'replicas'], from: 0, to: 1 });

    await page.locator('[data-key="pools.1.new.url"]').fill('http://10.0.0.22:8000');
    await page.locator('[data-key="pools.1.new.add"]').click();
    edits = await editsPosted(editor, 5);
    assert.deepEqual(edits[4], {
      kind: 'append',
      path: ['pools', 1, 'replicas'],
      value: { url: 'http://10.0.0.22:8000' },
    });

    await page.locator('[data-key="pools.1.replicas.1.remove"]').click();
    edits = await editsPosted(editor, 6);
    assert.deepEqual(edits[5], { kind: 'delete', path: ['pools', 1, 'replicas', 1] });

    await page.locator('[data-key="pools.0.replicas.2.apiKey.kind"]').selectOption('secret');
    await page.locator('[data-key="pools.0.replicas.2.apiKey"]').fill('gpu-c');
    await page.keyboard.press('Enter');
    edits = await editsPosted(editor, 7);
    assert.deepEqual(edits[6], { kind: 'set', path: ['pools', 0, 'replicas', 2, 'apiKey'], value: '${secret:gpu-c}' });
    assert.deepEqual(editor.problems, []);
    await page.close();
  });

  it('shows the validator’s error next to the field after an invalid value goes through the host', async () => {
    const editor = await open();
    const { page } = editor;
    await page.locator('[data-key="pools.0.retries"]').fill('many');
    await page.keyboard.press('Tab');
    const [edit] = await editsPosted(editor, 1);
    const text = applyFormEdit(SAMPLE, edit!).text;
    assert.match(text, /retries: many/);
    await editor.send(modelMessage(text));
    const field = page.locator('.field[data-path="pools.0.retries"]');
    await waitFor(async () => ((await field.locator('.issue.error').count()) > 0 ? true : undefined), 'the error');
    assert.match((await field.locator('.issue.error').textContent()) ?? '', /retries/);
    assert.ok(await field.evaluate((el) => el.classList.contains('invalid')));
    assert.equal(await field.locator('input').inputValue(), 'many');
    assert.match((await page.locator('.summary').textContent()) ?? '', /1 error/);
    // The focus moved on with Tab and stays there across the re-render.
    assert.equal(
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['key']),
      'pools.0.maxFails',
    );
    await page.close();
  });

  it('says what is wrong with a field while it is typed, before anything reaches the file', async () => {
    const editor = await open();
    const { page } = editor;
    const input = page.locator('[data-key="pools.0.failTimeout"]');
    await input.fill('');
    await input.pressSequentially('5');
    const field = page.locator('.field[data-path="pools.0.failTimeout"]');
    await waitFor(async () => ((await field.locator('.issue.typing').count()) > 0 ? true : undefined), 'typing error');
    assert.match((await field.locator('.issue.typing').textContent()) ?? '', /needs a unit: write 5s/);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    const edits = (await editor.posted()).filter((message) => message.type === 'edit');
    assert.deepEqual(edits, [], 'nothing was committed while typing');
    await input.pressSequentially('s');
    await waitFor(async () => ((await field.locator('.issue.typing').count()) === 0 ? true : undefined), 'cleared');
    assert.equal(await input.getAttribute('aria-invalid'), 'false');
    await page.close();
  });

  it('tells the user when the running sidecar did not take the saved file', async () => {
    const editor = await open();
    await editor.send({ type: 'configNotApplied', message: 'line 4: pools[0].failTimeout needs a unit' });
    const notice = editor.page.locator('.notice');
    await waitFor(async () => ((await notice.count()) > 0 ? true : undefined), 'the notice');
    assert.match(
      (await notice.first().textContent()) ?? '',
      /running sidecar keeps its previous config: line 4: pools\[0\]\.failTimeout needs a unit/,
    );
    await editor.page.close();
  });

  it('asks the host to test a replica, open the text, store a secret and reveal an issue', async () => {
    const editor = await open(DARK_MODERN, SAMPLE.replace('retries: 2', 'retries: -1'));
    const { page } = editor;
    await page.locator('[data-key="pools.1.replicas.1.test"]').click();
    assert.equal(await page.locator('.test-result.pending').count(), 1);
    await page.locator('[data-key="pools.0.replicas.1.apiKey.store"]').click();
    await page.locator('.field[data-path="pools.0.retries"] .issue button.link').click();
    await page.locator('[data-key="openAsText"]').click();
    const others = await waitFor(async () => {
      const posted = (await editor.posted()).filter((m) => m.type !== 'ready' && m.type !== 'edit');
      return posted.length >= 4 ? posted : undefined;
    }, 'four requests to the host');
    assert.deepEqual(others, [
      { type: 'testConnection', pool: 1, replica: 1 },
      { type: 'storeSecret', name: 'gpu-b' },
      { type: 'reveal', line: 23, col: 14 },
      { type: 'openAsText' },
    ]);
    await editor.send({
      type: 'testResult',
      pool: 1,
      replica: 1,
      ok: false,
      message: 'cannot connect: ECONNREFUSED',
      models: [],
    });
    await page.waitForSelector('.test-result.failed');
    assert.match((await page.locator('.test-result.failed').textContent()) ?? '', /ECONNREFUSED/);
    assert.deepEqual(editor.problems, []);
    await page.close();
  });

  it('keeps what the user is typing across a re-render, and live updates leave the inputs alone', async () => {
    const editor = await open();
    const { page } = editor;
    const failTimeout = page.locator('[data-key="pools.0.failTimeout"]');
    await failTimeout.fill('45s');
    await failTimeout.evaluate((el) => {
      (el as HTMLInputElement & { marker?: boolean }).marker = true;
    });
    await editor.send({
      type: 'live',
      replicas: [
        { pool: 'llama-8b', url: 'http://10.0.0.10:8000', name: 'gpu-a', state: 'healthy', reason: null, inflight: 0 },
      ],
    });
    await page.waitForSelector('.state.healthy');
    assert.equal(await failTimeout.evaluate((el) => (el as HTMLInputElement & { marker?: boolean }).marker), true);
    // A change of the file (here: the same text again) re-renders the form while the user is still typing.
    await editor.send(modelMessage(SAMPLE));
    await page.keyboard.type('0');
    assert.equal(await failTimeout.inputValue(), '45s0');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Tab');
    const edits = await editsPosted(editor, 1);
    assert.deepEqual(edits, [{ kind: 'set', path: ['pools', 0, 'failTimeout'], value: '45s' }]);
    await page.close();
  });

  it('makes the form read-only while the text is not valid YAML', async () => {
    const editor = await openEditor(browser, site, DARK_MODERN);
    await editor.send(modelMessage('pools:\n  - name: a\n    replicas: [\n'));
    await editor.page.waitForSelector('.notice.error');
    assert.ok(await editor.page.locator('[data-key="newPool.add"]').isDisabled());
    assert.match((await editor.page.locator('body').textContent()) ?? '', /\[ list opened here is not closed/);
    await editor.page.close();
  });

  for (const [name, theme] of [
    ['light', LIGHT_MODERN],
    ['dark', DARK_MODERN],
  ] as const) {
    it(`renders cleanly in the ${name} theme (screenshot)`, async () => {
      const text = SAMPLE.replace('retries: 2', 'retries: -1');
      const editor = await openEditor(browser, site, theme);
      await editor.send(modelMessage(text));
      await editor.send({
        type: 'live',
        replicas: [
          {
            pool: 'llama-8b',
            url: 'http://10.0.0.10:8000',
            name: 'gpu-a',
            state: 'healthy',
            reason: null,
            inflight: 3,
          },
          {
            pool: 'llama-8b',
            url: 'http://10.0.0.11:8000',
            name: 'gpu-b',
            state: 'healthy',
            reason: null,
            inflight: 1,
          },
          {
            pool: 'llama-8b',
            url: 'http://10.0.0.12:8000',
            name: 'gpu-c',
            state: 'unhealthy',
            reason: 'health check: connect ECONNREFUSED',
            inflight: 0,
          },
          {
            pool: 'qwen-coder',
            url: 'http://10.0.0.20:8000',
            name: 'coder-1',
            state: 'draining',
            reason: 'drained',
            inflight: 2,
          },
          {
            pool: 'qwen-coder',
            url: 'http://10.0.0.21:8000',
            name: 'coder-2',
            state: 'healthy',
            reason: null,
            inflight: 0,
          },
        ],
      });
      await editor.send({
        type: 'testResult',
        pool: 0,
        replica: 0,
        ok: true,
        message: '1 model in 38 ms: meta-llama/Llama-3.1-8B-Instruct',
        models: ['meta-llama/Llama-3.1-8B-Instruct'],
      });
      await editor.page.waitForSelector('.test-result.ok');
      const dir =
        process.env['UPDATE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs') : await mkdtemp(join(tmpdir(), 'shots-'));
      const path = join(dir, `config-editor-${name}.png`);
      await editor.page.screenshot({ path, fullPage: true });
      const background = await editor.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, name === 'light' ? 'rgb(255, 255, 255)' : 'rgb(31, 31, 31)');
      await editor.posted();
      assert.deepEqual(editor.problems, []);
      if (dir !== join(ROOT, 'docs')) await rm(dir, { recursive: true, force: true });
      await editor.page.close();
    });
  }
});
