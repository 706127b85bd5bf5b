// How long a replica asked us to wait: `retry-after-ms` (OpenAI's, milliseconds) or `retry-after` (seconds or an
// HTTP date), from a response head's raw headers. Undefined when it said nothing usable.

export function retryAfterMs(rawHeaders: readonly Buffer[], now: number): number | undefined {
  let seconds: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toString('latin1').toLowerCase();
    if (name === 'retry-after-ms') {
      const ms = Number(rawHeaders[i + 1]!.toString('latin1').trim());
      if (Number.isFinite(ms) && ms >= 0) return ms;
    } else if (name === 'retry-after') seconds = rawHeaders[i + 1]!.toString('latin1').trim();
  }
  if (seconds === undefined || seconds === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(seconds)) return Number(seconds) * 1000;
  const date = Date.parse(seconds);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
