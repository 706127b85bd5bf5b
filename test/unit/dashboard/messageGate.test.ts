// The gate both sides put in front of a webview message map (core/messageGate.ts): what fits is delivered typed,
// what does not is dropped and reported once per reason, at most MAX_REPORTS times.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PAGE_TO_HOST, type PageToHostMessage } from '../../../core/dashboard/messages';
import { MAX_REPORTS, messageGate } from '../../../core/messageGate';

function gate() {
  const delivered: PageToHostMessage[] = [];
  const reports: string[] = [];
  const receive = messageGate(
    PAGE_TO_HOST,
    (message) => delivered.push(message),
    (line) => reports.push(line),
  );
  return { receive, delivered, reports };
}

test('the host accepts only well-formed page messages', () => {
  const good: PageToHostMessage[] = [
    { type: 'ready' },
    { type: 'setAlgorithm', pool: 'llama-8b', algorithm: 'queue-aware' },
    { type: 'drain', pool: 'llama-8b', replica: 'gpu-a' },
    { type: 'enable', pool: 'llama-8b', replica: 'gpu-a' },
  ];
  const bad: unknown[] = [
    { type: 'setAlgorithm', pool: 'llama-8b', algorithm: 'fastest' },
    { type: 'setAlgorithm', algorithm: 'round-robin' },
    { type: 'drain', pool: 'llama-8b' },
    { type: 'reload' },
    null,
    'ready',
  ];
  const { receive, delivered, reports } = gate();
  for (const message of [...bad, ...good]) receive(message);
  assert.deepEqual(delivered, good);
  assert.equal(reports.length, bad.length);
  assert.match(reports[0]!, /^ignored a malformed message: message\.algorithm: expected one of .*got "fastest"$/);
  assert.match(reports[3]!, /message\.type: expected one of ready, setAlgorithm, drain, enable, got "reload"/);
  assert.match(reports[4]!, /message: expected an object, got null/);
});

test('a message refused again is not reported again, and reports stop after MAX_REPORTS reasons', () => {
  const { receive, delivered, reports } = gate();
  for (let i = 0; i < 5; i++) receive({ type: 'reload' });
  assert.equal(reports.length, 1);
  for (let i = 0; i < 3 * MAX_REPORTS; i++) receive({ type: 'drain', pool: `p${i}`, replica: i });
  assert.equal(reports.length, MAX_REPORTS);
  assert.match(reports.at(-1)!, /further malformed messages are not reported/);
  receive({ type: 'ready' });
  assert.deepEqual(delivered, [{ type: 'ready' }]);
});
