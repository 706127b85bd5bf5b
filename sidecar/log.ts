// Structured logs to stderr: text or one JSON object per line, with levels. Secret values registered with
// `redact` (core/redact.ts) are replaced wherever they appear, so a key can never reach the log even inside an error message.

import type { RequestEvent } from '../core/protocol';
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
  /** The access log: one `info` line per finished request. */
  access?(entry: AccessEntry): void;
}

/** One finished request as the access log tells it: no header, no body, no query string (never a key or token). */
export interface AccessEntry {
  method: string;
  path: string;
  pool: string | null;
  replica: string | null;
  status: number;
  ttftMs: number | null;
  tokens: number;
  durationMs: number;
  error: string | null;
}

export function accessEntry(event: RequestEvent, method: string): AccessEntry {
  const query = event.path.indexOf('?');
  return {
    method,
    path: query < 0 ? event.path : event.path.slice(0, query),
    pool: event.pool,
    replica: event.replica,
    status: event.status,
    ttftMs: event.ttftMs,
    tokens: event.tokens,
    durationMs: event.durationMs,
    error: event.error,
  };
}

const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

function statusColour(status: number): string {
  if (status >= 500) return '\x1b[31m';
  if (status >= 400) return '\x1b[33m';
  if (status >= 300) return '\x1b[36m';
  return '\x1b[32m';
}

/** `POST /v1/chat/completions 200 pool=p replica=r ttft=82ms tokens=48 1234ms`, the status coloured on a TTY. */
export function formatAccess(entry: AccessEntry, colour: boolean): string {
  const status = colour ? `${statusColour(entry.status)}${entry.status}${RESET}` : String(entry.status);
  const ttft = entry.ttftMs === null ? '-' : `${Math.round(entry.ttftMs)}ms`;
  const rest =
    `pool=${entry.pool ?? '-'} replica=${entry.replica ?? '-'} ttft=${ttft} tokens=${entry.tokens} ` +
    `${Math.round(entry.durationMs)}ms${entry.error ? ` error=${entry.error}` : ''}`;
  return `${entry.method} ${entry.path} ${status} ${colour ? `${DIM}${rest}${RESET}` : rest}`;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in LEVELS;
}

export function createLogger(options: {
  level?: LogLevel;
  format?: LogFormat;
  /** Colour the access log's text lines (for a TTY). */
  colour?: boolean;
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
    access(entry) {
      if (LEVELS.info < threshold) return;
      const time = new Date().toISOString();
      write(
        scrub(
          format === 'json'
            ? JSON.stringify({ time, level: 'info', msg: 'access', ...entry })
            : `${time} INFO  ${formatAccess(entry, options.colour === true)}`,
        ),
      );
    },
  };
}
