// "Open as Text" closes the form's tab of the same file in the same group, and nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formTabsOf } from '../../../extension/configEditor/formTabs';

const VIEW = 'vllmPools.configEditor';
const FILE = 'file:///w/vllm-pools.yaml';
interface Tab {
  label: string;
  input: unknown;
}
const form = (uri: string, label: string): Tab => ({ label, input: { uri: { toString: () => uri }, viewType: VIEW } });
const text = (uri: string, label: string): Tab => ({ label, input: { uri: { toString: () => uri } } });

test('the form tab of the file in the given group is the one to close; its text tab and other files stay', () => {
  const groups: { viewColumn: number; tabs: Tab[] }[] = [
    {
      viewColumn: 1,
      tabs: [form(FILE, 'form-1'), text(FILE, 'text-1'), form('file:///w/other.vllm-pools.yaml', 'other-form')],
    },
    { viewColumn: 2, tabs: [form(FILE, 'form-2'), { label: 'welcome', input: undefined }] },
  ];
  assert.deepEqual(
    formTabsOf(groups, FILE, VIEW, 1).map((tab) => tab.label),
    ['form-1'],
  );
  assert.deepEqual(
    formTabsOf(groups, FILE, VIEW, 2).map((tab) => tab.label),
    ['form-2'],
  );
  assert.deepEqual(
    formTabsOf(groups, FILE, VIEW, undefined).map((tab) => tab.label),
    ['form-1', 'form-2'],
  );
  assert.deepEqual(formTabsOf(groups, FILE, 'other.viewType', 1), []);
});
