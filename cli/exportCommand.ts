// `vllm-pools export --format nginx|haproxy|caddy|envoy|inference-gateway [--config FILE] [--listen HOST:PORT]
// [--namespace NS] [--selector KEY=VALUE] [--out FILE]`: prints a gateway configuration equivalent to the pools, as far
// as the target can express them.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatIssue } from '../core/config/types';
import { ALL_EXPORT_FORMATS, exportConfig, isAnyExportFormat } from '../core/export/exportConfig';
import { parseSelector } from '../core/export/kubernetesNames';
import type { ExportOptions } from '../core/export/plan';
import { parseCommandArgs } from './commandArgs';

const USAGE = `usage: vllm-pools export --format FORMAT [--config FILE] [--listen HOST:PORT] [--namespace NS] [--selector KEY=VALUE] [--out FILE]
  Writes a gateway configuration equivalent to the pools, as far as the target can express them (streaming-safe;
  comments in the output list what it cannot express). Problems in the config are printed as FILE:LINE:COL.

  -f, --format FORMAT    ${ALL_EXPORT_FORMATS.join(' | ')}
  -c, --config FILE      the config file (default: ./vllm-pools.yaml in the current folder)
      --listen HOST:PORT where the gateway listens (default: the config's listen address)
      --namespace NS     inference-gateway: the Kubernetes namespace of the objects
      --selector K=V     inference-gateway: the pods' labels (repeat or comma-separate; {pool} is the pool's name)
  -o, --out FILE         write to FILE instead of stdout (a line on stderr says what was written)
  -h, --help             this text
`;
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
  const formats = ALL_EXPORT_FORMATS.join(', ');
  if (format === undefined || !isAnyExportFormat(format)) {
    const why = format === undefined ? 'which format? --format' : `unknown format "${format}"; --format`;
    process.stderr.write(`vllm-pools export: ${why} takes one of: ${formats}\n`);
    return 2;
  }
  const configPath = values.config ?? 'vllm-pools.yaml';
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
  const result = exportConfig(configPath, format, options);
  for (const issue of result.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  if (result.text === undefined) return 2;
  if (!values.out) {
    process.stdout.write(result.text);
    return 0;
  }
  try {
    writeFileSync(values.out, result.text);
  } catch (error) {
    process.stderr.write(`vllm-pools export: cannot write ${values.out}: ${(error as NodeJS.ErrnoException).code}\n`);
    return 1;
  }
  const lines = result.text.split('\n').length - (result.text.endsWith('\n') ? 1 : 0);
  process.stderr.write(
    `vllm-pools export: wrote ${format} config for ${configPath} to ${resolve(values.out)} (${lines} lines)\n`,
  );
  return 0;
}
