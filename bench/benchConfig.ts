// The vllm-pools.yaml a user would write for the simulated fleet, written to a temp file (the sidecar is started
// from it with `serve`, the gateways from its export).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../core/config/load';
import { type Config, formatIssue } from '../core/config/types';
import type { AlgorithmId } from '../core/protocol';

export interface BenchConfigOptions {
  replicas: { url: string; name: string }[];
  algorithm: AlgorithmId;
  /** Engine /metrics scrape interval, ms (0: engine metrics off). */
  engineIntervalMs: number;
  healthIntervalMs: number;
}

export function benchConfigYaml(options: BenchConfigOptions): string {
  const engine = options.engineIntervalMs > 0 ? `{ interval: ${options.engineIntervalMs}ms }` : '{ enabled: false }';
  return [
    `algorithm: ${options.algorithm}`,
    `engineMetrics: ${engine}`,
    'shutdownGrace: 2s',
    'pools:',
    '  - name: main',
    `    healthCheck: { interval: ${options.healthIntervalMs}ms, timeout: 2s }`,
    '    timeouts: { connect: 5s, firstByte: 600s, idle: 600s }',
    '    replicas:',
    ...options.replicas.map((r) => `      - { url: "${r.url}", name: ${r.name} }`),
    '',
  ].join('\n');
}

export interface WrittenConfig {
  file: string;
  config: Config;
  remove(): void;
}

export function writeBenchConfig(options: BenchConfigOptions): WrittenConfig {
  const dir = mkdtempSync(join(tmpdir(), 'vllm-pools-bench-'));
  const file = join(dir, 'vllm-pools.yaml');
  writeFileSync(file, benchConfigYaml(options));
  const loaded = loadConfigFile(file, {});
  if (!loaded.config) throw new Error(loaded.issues.map(formatIssue).join('\n'));
  return { file, config: loaded.config, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
