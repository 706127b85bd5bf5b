// Reading what the sidecar child prints: the ready line on stdout, log lines and `FILE:LINE:COL: message` config
// problems on stderr. No vscode import.
import type { ConfigIssue } from '../core/config/types';

const READY = /^vllm-pools listening on (https?:\/\/\S+)/;

/** The sidecar's origin from its ready line, with a wildcard host replaced by loopback (that is where we call it). */
export function readyUrl(line: string): string | undefined {
  const match = READY.exec(line.trim());
  if (!match) return undefined;
  const url = new URL(match[1]!);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]' || url.hostname === '::') url.hostname = '127.0.0.1';
  return url.origin;
}

/** `FILE:LINE:COL: [warning: ]message` (a Windows drive letter in FILE is fine). */
export function parseIssueLine(line: string): ConfigIssue | undefined {
  const match = /^(.+?):(\d+):(\d+): (warning: )?(.*)$/.exec(line.trim());
  if (!match) return undefined;
  return {
    file: match[1]!,
    line: Number(match[2]),
    col: Number(match[3]),
    message: match[5]!,
    severity: match[4] ? 'warning' : 'error',
  };
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  level: LogLevel;
  text: string;
}

/** A stderr line as a leveled log line: JSON logs keep their level and message; plain text is info unless it says otherwise. */
export function parseLogLine(line: string): LogLine {
  const trimmed = line.trimEnd();
  if (trimmed.startsWith('{')) {
    try {
      const record = JSON.parse(trimmed) as Record<string, unknown>;
      const level = levelOf(record['level']);
      const message = typeof record['msg'] === 'string' ? record['msg'] : (record['message'] as string | undefined);
      if (message !== undefined) {
        const rest = Object.entries(record).filter(([k]) => !['level', 'msg', 'message', 'time', 'ts'].includes(k));
        const extra = rest.length > 0 ? ` ${JSON.stringify(Object.fromEntries(rest))}` : '';
        return { level, text: `${message}${extra}` };
      }
    } catch {
      // not JSON after all
    }
  }
  const word = /^\s*(?:\S+\s+)?\[?(trace|debug|info|warn|warning|error|fatal)\]?\b/i.exec(trimmed);
  if (word) return { level: levelOf(word[1]), text: trimmed };
  if (parseIssueLine(trimmed)) return { level: /: warning: /.test(trimmed) ? 'warn' : 'error', text: trimmed };
  return { level: 'info', text: trimmed };
}

function levelOf(value: unknown): LogLevel {
  const text = String(value ?? '').toLowerCase();
  if (text === 'warning' || text === 'warn') return 'warn';
  if (text === 'fatal' || text === 'error') return 'error';
  if (text === 'trace' || text === 'debug' || text === 'info') return text;
  return 'info';
}

/** True when the sidecar said that its port is taken. */
export function isAddressInUse(line: string): boolean {
  return /EADDRINUSE|address already in use/i.test(line);
}
