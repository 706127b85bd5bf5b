// `vllm-pools export --config FILE --format nginx|haproxy|caddy|envoy [--listen HOST:PORT] [--out FILE]`:
// prints a gateway configuration equivalent to the pools, as far as the target can express them.
import { writeFileSync } from 'node:fs';
import { formatIssue } from '../core/config/types';
import { EXPORT_FORMATS, exportConfig, isExportFormat } from '../core/export/exportConfig';
import { parseCommandArgs } from './commandArgs';

const USAGE = `usage: vllm-pools export --config FILE --format ${EXPORT_FORMATS.join('|')} [--listen HOST:PORT] [--out FILE]\n`;

export async function run(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    'export',
    argv,
    {
      config: { type: 'string', short: 'c' },
      format: { type: 'string', short: 'f' },
      listen: { type: 'string' },
      out: { type: 'string', short: 'o' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  const format = values.format;
  if (!values.config || !format || !isExportFormat(format)) {
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
  const result = exportConfig(values.config, format, listen ? { listen } : {});
  for (const issue of result.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  if (result.text === undefined) return 2;
  if (values.out) writeFileSync(values.out, result.text);
  else process.stdout.write(result.text);
  return 0;
}
