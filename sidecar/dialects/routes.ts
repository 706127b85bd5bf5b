// Which dialect speaks on which upstream path: an exact path, or a path prefix for routes with ids below it
// (`/v1/responses` also covers `/v1/responses/{id}`). Every path not listed speaks OpenAI. To add a dialect, add its
// paths here.
import { anthropicDialect } from './anthropic';
import type { Dialect } from './dialect';
import { openaiDialect } from './openai';
import { responsesDialect } from './responses';

const DIALECT_ROUTES: ReadonlyArray<readonly [path: string, dialect: Dialect]> = [
  ['/v1/responses', responsesDialect],
  ['/v1/messages', anthropicDialect],
];

const exact = new Map<string, Dialect>(DIALECT_ROUTES);

/** The dialect of an upstream path (no query). */
export function dialectFor(path: string): Dialect {
  const found = exact.get(path);
  if (found) return found;
  for (const [prefix, dialect] of DIALECT_ROUTES) if (path.startsWith(`${prefix}/`)) return dialect;
  return openaiDialect;
}
