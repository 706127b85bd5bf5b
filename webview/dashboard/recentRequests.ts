// The last finished requests (from `request` events): when, status, where it went, attempts, and its figures.
import type { RequestEvent } from '../../core/protocol';
import { formatClock, formatCount, formatMs, formatRate, NO_VALUE } from './format';
import { KeyedTable } from './keyedTable';

export function createRecentRequestsTable(): KeyedTable<RequestEvent> {
  return new KeyedTable<RequestEvent>(
    [
      { header: 'Time', value: (r) => formatClock(r.startedAt + r.durationMs) },
      {
        header: 'Status',
        numeric: true,
        value: (r) => (r.status > 0 ? String(r.status) : NO_VALUE),
        tone: (r) => (r.status >= 400 || r.status === 0 || r.error ? 'bad' : 'good'),
      },
      { header: 'Pool / replica', value: (r) => [r.pool, r.replica].filter(Boolean).join(' / ') || NO_VALUE },
      { header: 'Model', value: (r) => r.model ?? NO_VALUE, title: (r) => `${r.stream ? 'stream ' : ''}${r.path}` },
      {
        header: 'Attempts',
        numeric: true,
        value: (r) => String(r.attempts),
        tone: (r) => (r.attempts > 1 ? 'warn' : null),
      },
      { header: 'Duration', numeric: true, value: (r) => formatMs(r.durationMs) },
      { header: 'TTFT', numeric: true, value: (r) => formatMs(r.ttftMs) },
      { header: 'Tokens', numeric: true, value: (r) => formatCount(r.tokens) },
      { header: 'Tokens/s', numeric: true, value: (r) => formatRate(r.tokensPerSecond) },
      { header: 'Error', value: (r) => r.error ?? '', tone: (r) => (r.error ? 'bad' : null) },
    ],
    (r) => r.id,
    { className: 'recent', label: 'Recent requests', emptyText: 'No finished requests yet' },
  );
}
