// A command's edit of vllm-pools.yaml never saves the user's own unsaved edits without asking.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ConfigEditHost,
  editConfigDocument,
  type UnsavedEditsChoice,
} from '../../../extension/configDocumentEdit';

class FakeDocument {
  saves: string[] = [];
  constructor(
    public text: string,
    public isDirty: boolean,
  ) {}
  getText(): string {
    return this.text;
  }
  async save(): Promise<boolean> {
    this.saves.push(this.text);
    this.isDirty = false;
    return true;
  }
}

function host(document: FakeDocument, answer: UnsavedEditsChoice, asked: string[]): ConfigEditHost {
  return {
    replace: async ({ start, end, text }) => {
      document.text = document.text.slice(0, start) + text + document.text.slice(end);
      document.isDirty = true;
      return true;
    },
    askAboutUnsavedEdits: async () => {
      asked.push('asked');
      return answer;
    },
  };
}

const SAVED = 'algorithm: least-connections\npools: []\n';
const toRoundRobin = (text: string) => text.replace('least-connections', 'round-robin');

test('a clean document: the change is applied and saved, no question', async () => {
  const document = new FakeDocument(SAVED, false);
  const asked: string[] = [];
  assert.equal(await editConfigDocument(document, toRoundRobin, host(document, 'cancel', asked)), 'saved');
  assert.deepEqual(document.saves, ['algorithm: round-robin\npools: []\n']);
  assert.deepEqual(asked, []);
});

test('unsaved user edits: asked first; cancel leaves the document and the file alone', async () => {
  const userText = `${SAVED}# half-typed: pools: [ {name: x\n`;
  const document = new FakeDocument(userText, true);
  const asked: string[] = [];
  assert.equal(await editConfigDocument(document, toRoundRobin, host(document, 'cancel', asked)), 'cancelled');
  assert.deepEqual(asked, ['asked']);
  assert.equal(document.text, userText);
  assert.deepEqual(document.saves, []);
});

test('unsaved user edits, "apply only": the change joins them in the editor and nothing is saved', async () => {
  const userText = `${SAVED}# my note\n`;
  const document = new FakeDocument(userText, true);
  assert.equal(await editConfigDocument(document, toRoundRobin, host(document, 'apply-only', [])), 'unsaved');
  assert.equal(document.text, 'algorithm: round-robin\npools: []\n# my note\n');
  assert.equal(document.isDirty, true);
  assert.deepEqual(document.saves, []);
});

test('unsaved user edits, "save both": saved together, because the user said so', async () => {
  const document = new FakeDocument(`${SAVED}# my note\n`, true);
  assert.equal(await editConfigDocument(document, toRoundRobin, host(document, 'save-both', [])), 'saved');
  assert.deepEqual(document.saves, ['algorithm: round-robin\npools: []\n# my note\n']);
});

test('no change needed: no question, no save', async () => {
  const document = new FakeDocument(SAVED, true);
  const asked: string[] = [];
  assert.equal(await editConfigDocument(document, (t) => t, host(document, 'save-both', asked)), 'unchanged');
  assert.deepEqual(asked, []);
  assert.deepEqual(document.saves, []);
});

test('the text changed while the question was open: the change is made to the current text', async () => {
  const document = new FakeDocument(SAVED, true);
  const base = host(document, 'apply-only', []);
  const racing: ConfigEditHost = {
    replace: base.replace,
    askAboutUnsavedEdits: async () => {
      document.text = `# typed meanwhile\n${document.text}`;
      return 'apply-only';
    },
  };
  assert.equal(await editConfigDocument(document, toRoundRobin, racing), 'unsaved');
  assert.equal(document.text, '# typed meanwhile\nalgorithm: round-robin\npools: []\n');
});
