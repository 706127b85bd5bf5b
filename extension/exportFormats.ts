// The quick pick of `vllmPools.exportConfig`, the editor language of each export format, and what is exported: the
// open document's text when the config is open (unsaved edits included), else the file. No vscode import.
import { parseConfig } from '../core/config/load';
import { type ConfigIssue, formatIssue } from '../core/config/types';
import { ALL_EXPORT_FORMATS, type AnyExportFormat, exportConfig } from '../core/export/exportConfig';

export interface ExportFormatItem {
  label: string;
  description: string;
  format: AnyExportFormat;
}

const DESCRIPTIONS: Record<AnyExportFormat, string> = {
  nginx: 'upstream + server blocks, least_conn / consistent hash, proxy_buffering off',
  haproxy: 'backend + frontend, active health checks (rise/fall/inter), leastconn / balance hdr',
  caddy: 'Caddyfile reverse_proxy with lb_policy, health checks, flush_interval -1',
  envoy: 'static bootstrap YAML: clusters, outlier detection, retry policy, streaming timeouts',
  'inference-gateway': 'Kubernetes: InferencePool, endpoint picker scorers, HTTPRoute per pool (pods by label)',
};

/** Editor language id to try first, then the fallback when that language is not installed. */
const LANGUAGES: Record<AnyExportFormat, readonly string[]> = {
  nginx: ['nginx', 'plaintext'],
  haproxy: ['plaintext'],
  caddy: ['caddyfile', 'plaintext'],
  envoy: ['yaml'],
  'inference-gateway': ['yaml'],
};

export function exportFormatItems(): ExportFormatItem[] {
  return ALL_EXPORT_FORMATS.map((format) => ({ label: format, description: DESCRIPTIONS[format], format }));
}

/** The first preferred language of the format that the editor knows; plaintext if none. */
export function exportLanguageId(format: AnyExportFormat, known: readonly string[]): string {
  return LANGUAGES[format].find((id) => known.includes(id)) ?? 'plaintext';
}

/** The message shown when the config cannot be exported: one `file:line:col: message` per error. */
export function exportErrorMessage(issues: readonly ConfigIssue[]): string {
  const errors = issues.filter((issue) => issue.severity === 'error');
  const listed = (errors.length > 0 ? errors : issues).map(formatIssue);
  if (listed.length === 0) return 'cannot export: the config could not be loaded';
  return `cannot export: the config is invalid\n${listed.join('\n')}`;
}

/**
 * Exports the config as the user sees it: `openText` (the open document's current text, unsaved edits included)
 * when given, else the file on disk. Issues name `file` either way, so their line:col point into the editor.
 */
export function exportConfigAsShown(
  file: string,
  format: AnyExportFormat,
  openText: string | undefined,
): { text?: string; issues: ConfigIssue[] } {
  if (openText === undefined) return exportConfig(file, format);
  return exportConfig(file, format, {}, (path, env) => parseConfig(openText, path, env));
}
