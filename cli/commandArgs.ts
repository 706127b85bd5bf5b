// Flag parsing shared by every subcommand: strict parseArgs plus --help/-h, one way of reporting bad flags.
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type HelpOption = { help: { type: 'boolean'; short: 'h' } };
type Values<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T & HelpOption; strict: true }>
>['values'];

/**
 * The parsed flags, or the exit code to return when the command should stop here: 0 after printing the usage for
 * --help, 2 after printing the error and the usage for a bad flag.
 */
export function parseCommandArgs<const T extends Options>(
  command: string,
  argv: string[],
  options: T,
  usage: string,
): Values<T> | number {
  let values: Values<T>;
  try {
    values = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } } as T & HelpOption,
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`vllm-pools ${command}: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(usage);
    return 0;
  }
  return values;
}
