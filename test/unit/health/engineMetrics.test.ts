import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEngineMetrics } from '../../../sidecar/health/engineMetricsParser';
import { EngineTracker } from '../../../sidecar/health/engineState';

const V1 = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="m"} 23.0
vllm:num_requests_running{engine="1",model_name="m"} 2.0
vllm:num_requests_waiting{engine="0",model_name="m"} 2.0
vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.4
vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.6
vllm:prefix_cache_queries_total{engine="0",model_name="m"} 4.821e+06
vllm:prefix_cache_hits_total{engine="0",model_name="m"} 3.1104e+06
vllm:num_requests_running_created{engine="0",model_name="m"} 1.7e9
vllm:cache_config_info{block_size="16",weird="a}b \\"q\\""} 1.0
`;

test('sums running/waiting over label sets, averages the KV fraction, reads prefix counters', () => {
  const sample = parseEngineMetrics(V1)!;
  assert.equal(sample.running, 25);
  assert.equal(sample.waiting, 2);
  assert.ok(Math.abs(sample.kvCacheUsage - 0.5) < 1e-9);
  assert.equal(sample.prefixQueries, 4.821e6);
  assert.equal(sample.prefixHits, 3.1104e6);
});

test('falls back to the V0 name vllm:gpu_cache_usage_perc', () => {
  const sample = parseEngineMetrics('vllm:num_requests_running 1\nvllm:gpu_cache_usage_perc{model_name="m"} 0.7\n')!;
  assert.equal(sample.kvCacheUsage, 0.7);
  assert.equal(sample.waiting, 0);
  assert.equal(sample.prefixQueries, null);
});

test('text that is not vLLM metrics gives undefined', () => {
  assert.equal(parseEngineMetrics('go_goroutines 12\n'), undefined);
});

test('hit rate is Δhits/Δqueries between scrapes; stale after twice the interval', () => {
  const clock = {
    t: 0,
    now() {
      return this.t;
    },
  };
  const tracker = new EngineTracker(clock, 1000);
  assert.equal(tracker.state(), null);
  tracker.record({ running: 1, waiting: 0, kvCacheUsage: 0.1, prefixQueries: 100, prefixHits: 50 });
  assert.equal(tracker.state()!.prefixCacheHitRate, null);
  clock.t = 1000;
  tracker.record({ running: 1, waiting: 0, kvCacheUsage: 0.1, prefixQueries: 200, prefixHits: 125 });
  assert.equal(tracker.state()!.prefixCacheHitRate, 0.75);
  assert.equal(tracker.state()!.stale, false);
  clock.t = 3001;
  assert.equal(tracker.state()!.stale, true);
});

test('KV-cache capacity from vllm:cache_config_info: num_gpu_blocks x block_size, summed over engines', () => {
  const one = parseEngineMetrics(
    'vllm:num_requests_running 0\nvllm:cache_config_info{block_size="16",enable_prefix_caching="True",num_gpu_blocks="3000"} 1.0\n',
  )!;
  assert.equal(one.cacheTokens, 48_000);
  const two = parseEngineMetrics(
    'vllm:num_requests_running 0\nvllm:cache_config_info{engine="0",num_gpu_blocks="100",block_size="16"} 1\n' +
      'vllm:cache_config_info{engine="1",num_gpu_blocks="100",block_size="16"} 1\n',
  )!;
  assert.equal(two.cacheTokens, 3200);
  // Without num_gpu_blocks (or not a number) the capacity is unknown.
  assert.equal(parseEngineMetrics(V1)!.cacheTokens, null);
  assert.equal(
    parseEngineMetrics(
      'vllm:num_requests_running 0\nvllm:cache_config_info{num_gpu_blocks="None",block_size="16"} 1\n',
    )!.cacheTokens,
    null,
  );
  const clock = { now: () => 0 };
  const tracker = new EngineTracker(clock, 1000);
  assert.equal(tracker.cacheTokens(), undefined);
  tracker.record(one);
  assert.equal(tracker.cacheTokens(), 48_000);
});
