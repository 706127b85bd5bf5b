// The receiving end of a webview message map, on either side (the extension host or a page): each incoming value is
// checked against the map. One that fits is handed on, typed; one that does not (an unknown type, a missing or
// mistyped field) is dropped and its reason reported: each distinct reason once, and at most MAX_REPORTS in all, so a
// sender stuck on a bad message cannot flood the log. Plain functions: imported by the host and the page bundles.
import type { Schema } from './schema';

export const MAX_REPORTS = 10;

export function messageGate<T>(
  map: Schema<T>,
  deliver: (message: T) => void,
  report: (line: string) => void,
): (value: unknown) => void {
  const reported = new Set<string>();
  return (value) => {
    const reason = map.check(value, 'message');
    if (reason === undefined) {
      deliver(value as T);
      return;
    }
    if (reported.size >= MAX_REPORTS || reported.has(reason)) return;
    reported.add(reason);
    const more = reported.size === MAX_REPORTS ? ' (further malformed messages are not reported)' : '';
    report(`ignored a malformed message: ${reason}${more}`);
  };
}
