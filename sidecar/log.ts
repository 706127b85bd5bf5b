// Structured logs to stderr: text or one JSON object per line, with levels. Secret values registered with
// `redact` (core/redact.ts) are replaced wherever they appear, so a key can never reach the log even inside an error message.

import { scrub } from '../core/redact';

export { redact, scrub } from '../core/redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in LEVELS;
}

export function createLogger(options: {
  level?: LogLevel;
  format?: LogFormat;
  write?: (line: string) => void;
}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const format = options.format ?? 'text';
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    const time = new Date().toISOString();
    const line =
      format === 'json'
        ? JSON.stringify({ time, level, msg: message, ...fields })
        : `${time} ${level.toUpperCase().padEnd(5)} ${message}${fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}`;
    write(scrub(line));
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
  };
}
