// Config file -> gateway configuration text, without resolving any secret: references stay references.
import { loadConfigFile } from '../config/load';
import type { ConfigIssue } from '../config/types';
import { exportCaddy } from './caddy';
import { exportEnvoy } from './envoy';
import { exportHaproxy } from './haproxy';
import { exportNginx } from './nginx';
import { type ExportOptions, type ExportPlan, planExport, referenceOnlyEnv } from './plan';

export const EXPORT_FORMATS = ['nginx', 'haproxy', 'caddy', 'envoy'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}

const EXPORTERS: Record<ExportFormat, (plan: ExportPlan) => string> = {
  nginx: exportNginx,
  haproxy: exportHaproxy,
  caddy: exportCaddy,
  envoy: exportEnvoy,
};

/** Renders a loaded plan in one format. */
export function renderExport(plan: ExportPlan, format: ExportFormat): string {
  return EXPORTERS[format](plan);
}

/** Loads the config with every ${env:...}/${secret:...} kept as a reference, and renders it. */
export function exportConfig(
  file: string,
  format: ExportFormat,
  options: Partial<ExportOptions> = {},
  load: typeof loadConfigFile = loadConfigFile,
): { text?: string; issues: ConfigIssue[] } {
  const { config, issues } = load(file, referenceOnlyEnv());
  if (!config) return { issues };
  return { text: renderExport(planExport(config, options), format), issues };
}
