// Config file -> gateway configuration text, without resolving any secret: references stay references.
import { loadConfigFile } from '../config/load';
import type { ConfigIssue } from '../config/types';
import { exportCaddy } from './caddy';
import { exportEnvoy } from './envoy';
import { exportHaproxy } from './haproxy';
import { exportInferenceGateway } from './inferenceGateway';
import { exportNginx } from './nginx';
import { type ExportOptions, type ExportPlan, planExport, referenceOnlyEnv } from './plan';

/** Load-balancer configuration files (the formats the extension's quick pick offers). */
export const EXPORT_FORMATS = ['nginx', 'haproxy', 'caddy', 'envoy'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** Every format of `vllm-pools export`: the load balancers and the Kubernetes manifests. */
export const ALL_EXPORT_FORMATS = [...EXPORT_FORMATS, 'inference-gateway'] as const;
export type AnyExportFormat = (typeof ALL_EXPORT_FORMATS)[number];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}

export function isAnyExportFormat(value: unknown): value is AnyExportFormat {
  return typeof value === 'string' && (ALL_EXPORT_FORMATS as readonly string[]).includes(value);
}

const EXPORTERS: Record<AnyExportFormat, (plan: ExportPlan) => string> = {
  nginx: exportNginx,
  haproxy: exportHaproxy,
  caddy: exportCaddy,
  envoy: exportEnvoy,
  'inference-gateway': exportInferenceGateway,
};

/** Renders a loaded plan in one format. */
export function renderExport(plan: ExportPlan, format: AnyExportFormat): string {
  return EXPORTERS[format](plan);
}

/** Loads the config with every ${env:...}/${secret:...} kept as a reference, and renders it. */
export function exportConfig(
  file: string,
  format: AnyExportFormat,
  options: Partial<ExportOptions> = {},
  load: typeof loadConfigFile = loadConfigFile,
): { text?: string; issues: ConfigIssue[] } {
  const { config, issues } = load(file, referenceOnlyEnv());
  if (!config) return { issues };
  return { text: renderExport(planExport(config, options), format), issues };
}
