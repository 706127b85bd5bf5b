// The route table: a request target -> the pool it names (`/pools/{pool}/...`), the path sent upstream, the dialect
// that speaks there, and whether the sidecar answers it itself (the model list). vLLM's own root endpoints keep their
// paths; every other path goes to the replica under /v1 (`/chat/completions` is `/v1/chat/completions`).
import type { Dialect } from '../dialects/dialect';
import { dialectFor } from '../dialects/routes';

/** vLLM endpoints that live at the server root (or under their own version), passed at their real paths. */
export const VLLM_ROOT_PATHS: ReadonlySet<string> = new Set([
  '/tokenize',
  '/detokenize',
  '/pooling',
  '/classify',
  '/score',
  '/rerank',
  '/v1/rerank',
  '/v2/rerank',
]);

export interface Route {
  /** The pool named by a `/pools/{pool}/` prefix; undefined when the body's model or a header decides. */
  readonly pool: string | undefined;
  /** Path and query sent upstream, after the replica's base path. */
  readonly upstreamPath: string;
  readonly dialect: Dialect;
  /** GET /v1/models: the sidecar answers from what the replicas serve. */
  readonly models: boolean;
}

const POOLS_PREFIX = '/pools/';

export function routeOf(method: string, pathname: string, search: string): Route {
  let pool: string | undefined;
  let path = pathname;
  if (path.startsWith(POOLS_PREFIX)) {
    const end = path.indexOf('/', POOLS_PREFIX.length);
    pool = safeDecode(path.slice(POOLS_PREFIX.length, end < 0 ? undefined : end));
    path = end < 0 ? '/' : path.slice(end);
  }
  const upstream =
    VLLM_ROOT_PATHS.has(path) || path === '/v1' || path.startsWith('/v1/') ? path : `/v1${path === '/' ? '' : path}`;
  return {
    pool,
    upstreamPath: search === '' ? upstream : upstream + search,
    dialect: dialectFor(upstream),
    models: upstream === '/v1/models' && (method === 'GET' || method === 'HEAD'),
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
