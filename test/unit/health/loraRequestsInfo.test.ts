import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEngineMetrics } from '../../../sidecar/health/engineMetricsParser';
import { EngineTracker } from '../../../sidecar/health/engineState';
import { parseLabels } from '../../../sidecar/health/loraRequestsInfo';

const HEAD = `vllm:num_requests_running{engine="0",model_name="m"} 2.0
vllm:num_requests_waiting{engine="0",model_name="m"} 1.0
# HELP vllm:lora_requests_info Running stats on lora requests.
# TYPE vllm:lora_requests_info gauge
`;

test('reads running and waiting adapters and max_lora from vllm:lora_requests_info', () => {
  const sample = parseEngineMetrics(
    `${HEAD}vllm:lora_requests_info{max_lora="2",running_lora_adapters="sql-lora,py-lora",waiting_lora_adapters="x"} 1.7e9\n`,
  )!;
  assert.deepEqual(sample.lora, { running: ['sql-lora', 'py-lora'], waiting: ['x'], maxLora: 2 });
  assert.equal(sample.running, 2, 'the other gauges are unaffected');
});

test('the latest label set wins: prometheus_client keeps exporting the old ones', () => {
  const text = `${HEAD}vllm:lora_requests_info{max_lora="1",running_lora_adapters="old",waiting_lora_adapters=""} 1.7370e+09
vllm:lora_requests_info{max_lora="1",running_lora_adapters="new",waiting_lora_adapters="old"} 1.7371e+09
vllm:lora_requests_info{max_lora="1",running_lora_adapters="",waiting_lora_adapters=""} 1.7369e+09
`;
  assert.deepEqual(parseEngineMetrics(text)!.lora, { running: ['new'], waiting: ['old'], maxLora: 1 });
});

test('engines are told apart by their engine label and their latest states joined', () => {
  const text = `${HEAD}vllm:lora_requests_info{engine="0",max_lora="1",running_lora_adapters="a",waiting_lora_adapters=""} 10
vllm:lora_requests_info{engine="1",max_lora="1",running_lora_adapters="b",waiting_lora_adapters="a"} 11
vllm:lora_requests_info{engine="0",max_lora="1",running_lora_adapters="c",waiting_lora_adapters=""} 9
`;
  assert.deepEqual(parseEngineMetrics(text)!.lora, { running: ['a', 'b'], waiting: ['a'], maxLora: 1 });
});

test('absent or malformed series give no LoRA state, never an error', () => {
  assert.equal(parseEngineMetrics(HEAD)!.lora, undefined);
  for (const bad of [
    'vllm:lora_requests_info 1',
    'vllm:lora_requests_info{running_lora_adapters="a"} 1',
    'vllm:lora_requests_info{max_lora="0",running_lora_adapters="a"} 1',
    'vllm:lora_requests_info{max_lora="x",running_lora_adapters="a"} 1',
    'vllm:lora_requests_info{max_lora="1",running_lora_adapters="a} 1',
    'vllm:lora_requests_info{max_lora=1} 1',
  ]) {
    assert.equal(parseEngineMetrics(`${HEAD}${bad}\n`)!.lora, undefined, bad);
  }
});

test('label values keep escaped quotes and commas split adapter names', () => {
  assert.deepEqual(
    [...parseLabels('a="x\\"y",b="1,2", c=""')!.entries()],
    [
      ['a', 'x"y'],
      ['b', '1,2'],
      ['c', ''],
    ],
  );
  const sample = parseEngineMetrics(
    `${HEAD}vllm:lora_requests_info{max_lora="1",running_lora_adapters="a,,a, b",waiting_lora_adapters=""} 1\n`,
  )!;
  assert.deepEqual(sample.lora?.running, ['a', 'b']);
});

test('a stale scrape gives no LoRA state to route by', () => {
  let now = 0;
  const tracker = new EngineTracker({ now: () => now }, 1000);
  tracker.record({
    running: 1,
    waiting: 0,
    kvCacheUsage: 0,
    prefixQueries: null,
    prefixHits: null,
    lora: { running: ['a'], waiting: [], maxLora: 1 },
  });
  assert.deepEqual(tracker.lora()?.running, ['a']);
  now = 2500;
  assert.equal(tracker.lora(), undefined);
});

test('the tracker remembers the adapters last seen running, least recent out first, at most max_lora', () => {
  const tracker = new EngineTracker({ now: () => 0 }, 1000);
  const scrape = (running: string[], maxLora: number) =>
    tracker.record({
      running: running.length,
      waiting: 0,
      kvCacheUsage: 0,
      prefixQueries: null,
      prefixHits: null,
      lora: { running, waiting: [], maxLora },
    });
  scrape(['a'], 2);
  scrape([], 2);
  assert.deepEqual(tracker.lora()?.running, []);
  assert.deepEqual(tracker.lora()?.resident, ['a'], 'idle: a is still in its slot');
  scrape(['b'], 2);
  assert.deepEqual(tracker.lora()?.resident, ['a', 'b']);
  scrape(['a'], 2);
  assert.deepEqual(tracker.lora()?.resident, ['b', 'a'], 'a used again: b is now the least recent');
  scrape(['c'], 2);
  assert.deepEqual(tracker.lora()?.resident, ['a', 'c'], 'loading c evicted b');
  scrape([], 2);
  assert.deepEqual(tracker.lora()?.resident, ['a', 'c'], 'a scrape with nothing running changes nothing');
  scrape(['d'], 1);
  assert.deepEqual(tracker.lora()?.resident, ['d'], 'max_lora 1 keeps one');
});
