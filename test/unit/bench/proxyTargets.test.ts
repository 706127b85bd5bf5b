import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyCostResult, ProxyName } from '../../../bench/proxyCost';
import { renderProxyTargets } from '../../../bench/proxyTargets';

const d = (p50: number) => ({ count: 100, mean: p50, p50, p90: p50, p99: p50, max: p50 });

function result(proxy: ProxyName, p50At1: number, p50At16: number, rps: number, cpu: number, rssMiB: number) {
  return {
    proxy,
    latency: { 1: d(p50At1), 16: d(p50At16) },
    eventDelay: d(0.2),
    maxRequestsPerSecond: rps,
    cpuMsPerStream: cpu,
    rssIdle: 0,
    rssWithStreams: rssMiB * 2 ** 20,
    streamsOpen: 1000,
    errors: 0,
  } satisfies ProxyCostResult;
}

const rowOf = (lines: string[], target: string) => lines.find((line) => line.startsWith(`| ${target} |`)) ?? '';

test('each target is judged against nginx of the same run, with node-minimal beside it', () => {
  const lines = renderProxyTargets([
    result('direct', 0.3, 1.4, 15000, 0, 0),
    result('sidecar', 0.9, 2.5, 7000, 1.9, 140),
    result('node-minimal', 0.8, 2.4, 7100, 2.1, 120),
    result('nginx', 0.6, 1.6, 9000, 1.0, 30),
  ]);
  assert.match(rowOf(lines, 'max req/s at 64 connections'), /\| 0\.78 × nginx \| 0\.79 \| \*\*no\*\* \|$/);
  // added 1.1 ms vs nginx's 0.2: 0.9 over, target 0.5.
  assert.match(rowOf(lines, 'added p50 at 16 connections'), /\| 0\.90 ms over nginx’s \| 0\.80 \| \*\*no\*\* \|$/);
  assert.match(rowOf(lines, 'CPU per streamed request'), /\| 1\.90 × nginx \| 2\.10 \| yes \|$/);
  assert.match(
    rowOf(lines, 'added p50 at concurrency 1'),
    /\| 0\.60 ms \(nginx adds 0\.30\) \| 0\.50 \| \*\*no\*\* \|$/,
  );
  // 140 MiB = 146.8 MB: under 150 MB; 145 MiB = 152.0 MB is over.
  assert.match(rowOf(lines, 'RSS with 1,000 open streams'), /\| 146\.80 MB \| 125\.83 \| yes \|$/);
  const over = renderProxyTargets([
    result('direct', 0.3, 1.4, 15000, 0, 0),
    result('sidecar', 0.9, 2.5, 7300, 1.9, 145),
    result('nginx', 0.6, 1.6, 9000, 1.0, 30),
  ]);
  assert.match(rowOf(over, 'RSS with 1,000 open streams'), /\| 152\.04 MB \| – \| \*\*no\*\* \|$/);
  assert.match(rowOf(over, 'max req/s at 64 connections'), /\| 0\.81 × nginx \| – \| yes \|$/);
});

test('no nginx or no sidecar in the run: no target table', () => {
  assert.deepEqual(renderProxyTargets([result('direct', 0.3, 1.4, 15000, 0, 0)]), []);
});
