// An error the sidecar answers itself on a route, in the route's dialect. After the head went out it cannot be told
// any more: the connection is cut instead.
import type { Dialect } from '../dialects/dialect';
import type { ResponseSink } from './sink';

export function sendDialectError(
  sink: ResponseSink,
  dialect: Dialect,
  status: number,
  message: string,
  headers: string[] = [],
  type?: string,
): void {
  if (sink.headersSent) {
    sink.destroy();
    return;
  }
  const error = dialect.error(status, message, type);
  sink.head(
    error.status,
    ['content-type', error.contentType, 'content-length', String(Buffer.byteLength(error.body)), ...headers],
    false,
    false,
  );
  sink.end(error.body);
}
