import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuMs, rssBytes } from '../../../bench/childProcess';
import { pinning } from '../../../bench/contenders';
import { counterDelta, hitRate, parseCounters } from '../../../bench/engineMetrics';
import { cpuModelFrom } from '../../../bench/machine';
import { developerOf } from '../../../bench/team';

test('engine counters: summed over label sets; hit rate from deltas', () => {
  const text = [
    '# HELP vllm:prefix_cache_queries_total Prefix cache queries',
    '# TYPE vllm:prefix_cache_queries_total counter',
    'vllm:prefix_cache_queries_total{engine="0",model_name="m"} 1000.0',
    'vllm:prefix_cache_hits_total{engine="0",model_name="m"} 250.0',
    'vllm:prefix_cache_hits_created{engine="0",model_name="m"} 1.7e9',
    'vllm:request_success_total{engine="0",finished_reason="stop",model_name="m"} 3.0',
    'vllm:request_success_total{engine="0",finished_reason="length",model_name="m"} 4.0',
    'vllm:num_preemptions_total{engine="0",model_name="m"} 1.0',
  ].join('\n');
  const after = parseCounters(text);
  assert.deepEqual(after, { prefixQueries: 1000, prefixHits: 250, requests: 7, preemptions: 1 });
  const delta = counterDelta({ prefixQueries: 200, prefixHits: 50, requests: 2, preemptions: 0 }, after);
  assert.equal(hitRate(delta), 0.25);
  assert.equal(hitRate({ prefixQueries: 0, prefixHits: 0, requests: 0, preemptions: 0 }), 0);
});

test('LIMIT pinning: distinct keys in order, balanced over replicas, stable for repeats', () => {
  const pins = pinning(['a', 'b', 'a', 'c', 'd', 'e'], 4);
  assert.deepEqual(
    [...pins.entries()],
    [
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['d', 3],
      ['e', 0],
    ],
  );
  assert.equal(developerOf(9, 8), 1);
});

test('/proc readers: RSS and CPU of a process and its children', () => {
  const files: Record<string, string> = {
    '/proc/10/status': 'Name:\tnginx\nVmRSS:\t   2048 kB\n',
    '/proc/10/task/10/children': '11 ',
    '/proc/11/status': 'VmRSS:\t1024 kB\n',
    '/proc/10/stat': '10 (nginx: master) S 1 10 10 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0',
    '/proc/11/stat': '11 (nginx) S 10 10 10 0 -1 4194560 100 0 0 0 7 1 0 0 20 0 1 0',
  };
  const read = (path: string) => {
    const text = files[path];
    if (text === undefined) throw new Error('ENOENT');
    return text;
  };
  assert.equal(rssBytes(10, read), 3072 * 1024);
  assert.equal(cpuMs(10, read), (5 + 3 + 7 + 1) * 10);
  assert.equal(rssBytes(99, read), 0);
});

test('cpu model from /proc/cpuinfo', () => {
  assert.equal(cpuModelFrom('processor\t: 0\nmodel name\t: AMD EPYC 7B13\n'), 'AMD EPYC 7B13');
  assert.equal(cpuModelFrom(''), 'unknown');
});

test('HAProxy tuning: one thread, room for 1,000 streams, http-no-delay added once (or left out on request)', async () => {
  const { haproxyTuned } = await import('../../../bench/gateways');
  const exported = 'global\n    maxconn 4096\n\ndefaults\n    mode http\n';
  const tuned = haproxyTuned(exported);
  assert.match(tuned, /^global\n {4}nbthread 1\n/);
  assert.match(tuned, /maxconn 8192/);
  assert.equal(tuned.match(/option http-no-delay/g)?.length, 1);
  assert.equal(haproxyTuned(tuned).match(/option http-no-delay/g)?.length, 1);
  assert.doesNotMatch(haproxyTuned(exported, false), /http-no-delay/);
});
