// /metrics agrees with what the replica served, in vLLM V1's names, types and labels.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type SimFleet, startSimFleet } from '../../../sim/fleet';
import { metricValue, postJson, postSse } from './helpers';

const MODEL = 'Qwen/Qwen3-0.6B';
let fleet: SimFleet;

before(async () => {
  fleet = await startSimFleet({ replicas: 1, profile: 'fast', seed: 11 });
});

after(async () => {
  await fleet.close();
});

const REQUIRED: Array<[string, string]> = [
  ['vllm:num_requests_running', 'gauge'],
  ['vllm:num_requests_waiting', 'gauge'],
  ['vllm:kv_cache_usage_perc', 'gauge'],
  ['vllm:prefix_cache_queries_total', 'counter'],
  ['vllm:prefix_cache_hits_total', 'counter'],
  ['vllm:num_preemptions_total', 'counter'],
  ['vllm:prompt_tokens_total', 'counter'],
  ['vllm:generation_tokens_total', 'counter'],
  ['vllm:request_success_total', 'counter'],
  ['vllm:time_to_first_token_seconds', 'histogram'],
  ['vllm:inter_token_latency_seconds', 'histogram'],
  ['vllm:e2e_request_latency_seconds', 'histogram'],
  ['vllm:cache_config_info', 'gauge'],
];

async function scrape(): Promise<string> {
  const res = await fetch(`${fleet.urls[0]}/metrics`);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  return res.text();
}

test('every required family is declared with its vLLM type; labels are engine and model_name, sorted', async () => {
  const text = await scrape();
  for (const [name, type] of REQUIRED) {
    assert.ok(text.includes(`# TYPE ${name} ${type}\n`), `missing # TYPE ${name} ${type}`);
    assert.ok(text.includes(`# HELP ${name} `), `missing # HELP ${name}`);
  }
  assert.ok(text.includes(`vllm:num_requests_running{engine="0",model_name="${MODEL}"} 0.0\n`));
  assert.ok(text.includes(`vllm:request_success_total{engine="0",finished_reason="stop",model_name="${MODEL}"} 0.0\n`));
  assert.ok(
    text.includes(`vllm:time_to_first_token_seconds_bucket{engine="0",le="0.001",model_name="${MODEL}"} 0.0\n`),
  );
  assert.match(text, /vllm:cache_config_info\{block_size="16",[^}]*num_gpu_blocks="4096"[^}]*\} 1\.0\n/);
});

test('token counters, request counts and histograms match the usage that was served', async () => {
  let prompt = 0;
  let completion = 0;
  let requests = 0;
  const messages = (i: number) => [{ role: 'user', content: `Question number ${i} about routing and caches.` }];
  for (let i = 0; i < 4; i++) {
    const res = await postSse(`${fleet.urls[0]}/v1/chat/completions`, {
      messages: messages(i),
      stream: true,
      stream_options: { include_usage: true },
    });
    const usage = res.events[res.events.length - 1]!['usage'] as { prompt_tokens: number; completion_tokens: number };
    prompt += usage.prompt_tokens;
    completion += usage.completion_tokens;
    requests++;
  }
  const capped = await postJson(`${fleet.urls[0]}/v1/completions`, { prompt: 'abc', max_tokens: 3, ignore_eos: true });
  const usage = capped.body['usage'] as { prompt_tokens: number; completion_tokens: number };
  prompt += usage.prompt_tokens;
  completion += usage.completion_tokens;
  requests++;

  const text = await scrape();
  const value = (name: string, labels: Record<string, string> = {}) => metricValue(text, name, labels);
  assert.equal(value('vllm:prompt_tokens_total'), prompt);
  assert.equal(value('vllm:generation_tokens_total'), completion);
  assert.equal(value('vllm:request_success_total', { finished_reason: 'stop' }), 4);
  assert.equal(value('vllm:request_success_total', { finished_reason: 'length' }), 1);
  assert.equal(value('vllm:request_success_total', { finished_reason: 'abort' }), 0);
  assert.equal(value('vllm:time_to_first_token_seconds_count'), requests);
  assert.equal(value('vllm:e2e_request_latency_seconds_count'), requests);
  assert.equal(value('vllm:inter_token_latency_seconds_count'), completion - requests);
  assert.equal(value('vllm:time_to_first_token_seconds_bucket', { le: '+Inf' }), requests);
  assert.equal(value('vllm:prefix_cache_queries_total'), prompt);
  assert.equal(value('vllm:num_requests_running'), 0);
  assert.equal(value('vllm:num_requests_waiting'), 0);
  assert.equal(value('vllm:kv_cache_usage_perc'), 0);
});

test('a repeated long prompt shows up as prefix cache hits', async () => {
  const before = await scrape();
  const prompt = 'A long shared system prompt. '.repeat(40);
  for (let i = 0; i < 2; i++) await postJson(`${fleet.urls[0]}/v1/completions`, { prompt, max_tokens: 2 });
  const after = await scrape();
  const hits =
    metricValue(after, 'vllm:prefix_cache_hits_total')! - metricValue(before, 'vllm:prefix_cache_hits_total')!;
  const tokens = Math.ceil(prompt.length / 4);
  assert.equal(hits, Math.floor((tokens - 1) / 16) * 16);
});
