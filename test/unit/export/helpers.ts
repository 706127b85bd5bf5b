import assert from 'node:assert/strict';
import { parseConfig } from '../../../core/config/load';
import { type AnyExportFormat, renderExport } from '../../../core/export/exportConfig';
import { type ExportPlan, planExport, referenceOnlyEnv } from '../../../core/export/plan';

/** A config with one pool of the given algorithm and settings, parsed the way `export` parses it. */
export function planFor(yaml: string): ExportPlan {
  const { config, issues } = parseConfig(yaml, '/etc/vllm-pools/vllm-pools.yaml', referenceOnlyEnv());
  assert.ok(config, issues.map((i) => i.message).join('\n'));
  return planExport(config);
}

export function render(format: AnyExportFormat, yaml: string): string {
  return renderExport(planFor(yaml), format);
}

export function pool(algorithm: string, extra = ''): string {
  return `pools:
  - name: llama
    algorithm: ${algorithm}
    maxFails: 4
    failTimeout: 20s
    retries: 3
    timeouts: { connect: 3s, firstByte: 90s, idle: 45m }
    healthCheck: { path: /ready, interval: 7s, timeout: 1500ms, rise: 4, fall: 5 }
    replicas:
      - { url: "http://10.0.0.1:8000", name: gpu-a, weight: 2 }
      - { url: "http://10.0.0.2:8000", name: gpu-b }
${extra}`;
}

/** The configuration without its comment lines (the header mentions directives it explains). */
export function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
}

/** The leading comment block. */
export function headerOf(text: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((line) => line !== '' && !line.startsWith('#'));
  return lines.slice(0, end).join('\n');
}
