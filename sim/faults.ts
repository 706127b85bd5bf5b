// Faults a test can switch on through POST /sim/fault (contract: "The simulator").

// `error-mid-stream` is an addition to the contract: vLLM's in-band error event after `afterChunks` chunks.
export type FaultKind = 'none' | 'refuse' | 'hang' | 'slow' | 'status' | 'reset-mid-stream' | 'error-mid-stream';

export type Fault =
  | { kind: 'none' }
  | { kind: 'refuse' }
  | { kind: 'hang' }
  | { kind: 'slow'; factor: number }
  | { kind: 'status'; status: number; retryAfter?: number; retryAfterMs?: number; count?: number }
  | { kind: 'reset-mid-stream'; afterChunks: number }
  | { kind: 'error-mid-stream'; afterChunks: number; status: number };

export const FAULT_KINDS: readonly FaultKind[] = [
  'none',
  'refuse',
  'hang',
  'slow',
  'status',
  'reset-mid-stream',
  'error-mid-stream',
];

/** How long a fault lasts before it clears itself (`durationMs`, an addition to the contract), if given. */
export function faultDuration(value: unknown): number | undefined | string {
  const duration = (value as Record<string, unknown> | null)?.['durationMs'];
  if (duration === undefined || duration === null) return undefined;
  if (typeof duration !== 'number' || !(duration > 0)) return '"durationMs" must be a positive number';
  return duration;
}

function optionalNonNegative(
  body: Record<string, unknown>,
  key: string,
  integer: boolean,
): number | undefined | string {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !(value >= 0) || (integer && !Number.isInteger(value))) {
    return `"${key}" must be a ${integer ? 'whole' : 'non-negative'} number`;
  }
  return value;
}

/** `status` (addition): `retryAfter` (seconds) and `retryAfterMs` set Retry-After / retry-after-ms; `count` answers
 * that many requests so, then the fault clears itself. */
function parseStatusFault(body: Record<string, unknown>): Fault | string {
  const status = body['status'] ?? 503;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return '"status" must be an HTTP status (100-599)';
  }
  const fault: Fault = { kind: 'status', status };
  for (const [key, integer] of [
    ['retryAfter', true],
    ['retryAfterMs', false],
    ['count', true],
  ] as const) {
    const value = optionalNonNegative(body, key, integer);
    if (typeof value === 'string') return value;
    if (value !== undefined) fault[key] = value;
  }
  if (fault.count === 0) return '"count" must be at least 1';
  return fault;
}

/** A fault from its JSON form (defaults: status 503, factor 5, afterChunks 3), or an error message. */
export function parseFault(value: unknown): Fault | string {
  if (typeof value !== 'object' || value === null) return 'the body must be a JSON object';
  const body = value as Record<string, unknown>;
  const duration = faultDuration(body);
  if (typeof duration === 'string') return duration;
  const kind = body['kind'];
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    return `"kind" must be one of ${FAULT_KINDS.join(', ')}`;
  }
  switch (kind as FaultKind) {
    case 'slow': {
      const factor = body['factor'] ?? 5;
      if (typeof factor !== 'number' || !(factor > 0)) return '"factor" must be a positive number';
      return { kind: 'slow', factor };
    }
    case 'status':
      return parseStatusFault(body);
    case 'reset-mid-stream':
    case 'error-mid-stream': {
      const afterChunks = body['afterChunks'] ?? 3;
      if (typeof afterChunks !== 'number' || !Number.isInteger(afterChunks) || afterChunks < 0) {
        return '"afterChunks" must be a whole number';
      }
      if (kind === 'reset-mid-stream') return { kind, afterChunks };
      const status = body['status'] ?? 500;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
        return '"status" must be an HTTP error status (400-599)';
      }
      return { kind: 'error-mid-stream', afterChunks, status };
    }
    default:
      return { kind } as Fault;
  }
}
