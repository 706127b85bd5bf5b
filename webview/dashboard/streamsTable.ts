// Active streams: pool, replica, model, age, tokens so far, tokens/s, time to first token. Newest first.
import type { StreamState } from '../../core/protocol';
import { formatAge, formatCount, formatMs, formatRate, NO_VALUE } from './format';
import { KeyedTable } from './keyedTable';

/** Beyond this many rows the table shows the newest ones and says how many more there are. */
export const MAX_STREAM_ROWS = 200;

export function createStreamsTable(): KeyedTable<StreamState> {
  return new KeyedTable<StreamState>(
    [
      { header: 'Pool', value: (s) => s.pool },
      { header: 'Replica', value: (s) => s.replica },
      { header: 'Model', value: (s) => s.model ?? NO_VALUE, title: (s) => s.path },
      { header: 'Age', numeric: true, value: (s) => formatAge(s.ageMs) },
      { header: 'Tokens', numeric: true, value: (s) => formatCount(s.tokens) },
      { header: 'Tokens/s', numeric: true, value: (s) => formatRate(s.tokensPerSecond) },
      {
        header: 'TTFT',
        numeric: true,
        value: (s) => (s.ttftMs === null ? 'waiting…' : formatMs(s.ttftMs)),
        tone: (s) => (s.ttftMs === null ? 'muted' : null),
      },
    ],
    (s) => s.id,
    { className: 'streams', label: 'Active streams', emptyText: 'No active streams' },
  );
}

export function streamsInDisplayOrder(streams: readonly StreamState[]): StreamState[] {
  return streams
    .slice()
    .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? -1 : 1))
    .slice(0, MAX_STREAM_ROWS);
}
