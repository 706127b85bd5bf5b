// `vllm-pools export --config FILE --format nginx|haproxy|caddy|envoy|inference-gateway [--listen HOST:PORT]
// [--namespace NS] [--selector KEY=VALUE] [--out FILE]`: prints a gateway configuration equivalent to the pools, as far
// as the target can express them.
import { writeFileSync } from 'node:fs';
import { formatIssue } from '../core/config/types';
import { ALL_EXPORT_FORMATS, exportConfig, isAnyExportFormat } from '../core/export/exportConfig';
import { parseSelector } from '../core/export/kubernetesNames';
import type { ExportOptions } from '../core/export/plan';
import { parseCommandArgs } from './commandArgs';

const USAGE = `usage: vllm-pools export --config FILE --format ${ALL_EXPORT_FORMATS.join('|')} [--listen HOST:PORT] [--namespace NS] [--selector KEY=VALUE] [--out FILE]\n`;
/** An RFC 1123 label: what Kubernetes accepts as a namespace. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export async function run(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    'export',
    argv,
    {
      config: { type: 'string', short: 'c' },
      format: { type: 'string', short: 'f' },
      listen: { type: 'string' },
      namespace: { type: 'string' },
      selector: { type: 'string', multiple: true },
      out: { type: 'string', short: 'o' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  const format = values.format;
  if (!values.config || !format || !isAnyExportFormat(format)) {
    process.stderr.write(USAGE);
    return 2;
  }
  let listen: { host: string; port: number } | undefined;
  if (values.listen) {
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(values.listen);
    if (!match || Number(match[2]) > 65535) {
      process.stderr.write(`vllm-pools export: --listen takes HOST:PORT\n`);
      return 2;
    }
    listen = { host: match[1]!, port: Number(match[2]) };
  }
  const options: Partial<ExportOptions> = listen ? { listen } : {};
  if (values.namespace !== undefined) {
    if (!NAMESPACE.test(values.namespace)) {
      process.stderr.write('vllm-pools export: --namespace takes a Kubernetes namespace (lower case, digits, "-")\n');
      return 2;
    }
    options.namespace = values.namespace;
  }
  if (values.selector) {
    const selector = parseSelector(values.selector);
    if (typeof selector === 'string') {
      process.stderr.write(`vllm-pools export: ${selector}\n`);
      return 2;
    }
    options.selector = selector;
  }
  const result = exportConfig(values.config, format, options);
  for (const issue of result.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  if (result.text === undefined) return 2;
  if (values.out) writeFileSync(values.out, result.text);
  else process.stdout.write(result.text);
  return 0;
}
