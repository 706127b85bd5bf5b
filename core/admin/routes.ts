// The admin API, declared once: for each route its method, path pattern, request body (with the guard the server runs)
// and response type. The sidecar's router and the extension's client are both built on this table, so neither side
// spells a route as a string. CONTRACT.md "HTTP endpoints" describes the same routes in words.
import { ALGORITHM_IDS, type AlgorithmId, type ReloadResult, type StateSnapshot } from '../protocol';
import * as s from '../schema';

export const SET_ALGORITHM_BODY = s.object({ algorithm: s.oneOf(ALGORITHM_IDS), pool: s.optional(s.string) });
export type SetAlgorithmRequest = s.Infer<typeof SET_ALGORITHM_BODY>;

export interface SetAlgorithmResult {
  ok: true;
  algorithm: AlgorithmId;
  /** null: every pool. */
  pool: string | null;
}

export interface ReplicaActionResult {
  ok: true;
  pool: string;
  replica: string;
  state: 'draining' | 'enabled';
}

/** The types of each route: path parameters, request body (undefined: none), response body. */
export interface AdminApi {
  state: { params: never; body: undefined; result: StateSnapshot };
  /** An SSE stream of AdminEvent (core/admin/events.ts), not a JSON answer. */
  events: { params: never; body: undefined; result: never };
  setAlgorithm: { params: never; body: SetAlgorithmRequest; result: SetAlgorithmResult };
  drain: { params: 'pool' | 'replica'; body: undefined; result: ReplicaActionResult };
  enable: { params: 'pool' | 'replica'; body: undefined; result: ReplicaActionResult };
  /** A rejected reload answers 400 with the same shape (ok false, the errors). */
  reload: { params: never; body: undefined; result: ReloadResult };
}

export type AdminRouteName = keyof AdminApi;
export type AdminMethod = 'GET' | 'PUT' | 'POST';
export type ParamsOf<K extends AdminRouteName> = Record<AdminApi[K]['params'], string>;

export interface AdminRoute<K extends AdminRouteName> {
  /** The method clients use. */
  method: AdminMethod;
  /** Further methods the server accepts (POST for PUT /admin/algorithm, for clients without PUT). */
  alsoAccepts?: readonly AdminMethod[];
  /** Segments separated by '/'; `{name}` is a percent-encoded path parameter. */
  path: string;
  /** The request body's guard; absent: the route takes no body. */
  body: AdminApi[K]['body'] extends undefined ? undefined : s.Schema<AdminApi[K]['body']>;
}

export const ADMIN_ROUTES: { readonly [K in AdminRouteName]: AdminRoute<K> } = {
  state: { method: 'GET', path: '/admin/state', body: undefined },
  events: { method: 'GET', path: '/admin/events', body: undefined },
  setAlgorithm: { method: 'PUT', alsoAccepts: ['POST'], path: '/admin/algorithm', body: SET_ALGORITHM_BODY },
  drain: { method: 'POST', path: '/admin/replicas/{pool}/{replica}/drain', body: undefined },
  enable: { method: 'POST', path: '/admin/replicas/{pool}/{replica}/enable', body: undefined },
  reload: { method: 'POST', path: '/admin/reload', body: undefined },
};

export const ADMIN_ROUTE_NAMES = Object.keys(ADMIN_ROUTES) as AdminRouteName[];

/** The request path of a route, its parameters percent-encoded. */
export function adminPath<K extends AdminRouteName>(name: K, params: ParamsOf<K>): string {
  return ADMIN_ROUTES[name].path.replace(/\{(\w+)\}/g, (_, key: string) =>
    encodeURIComponent((params as Record<string, string>)[key] ?? ''),
  );
}

export function acceptsMethod(route: AdminRoute<AdminRouteName>, method: string): boolean {
  return route.method === method || (route.alsoAccepts ?? []).includes(method as AdminMethod);
}

export type AdminRouteMatch =
  | { kind: 'route'; name: AdminRouteName; params: Record<string, string> }
  | { kind: 'not-found' }
  /** A parameter's percent-encoding is broken (decodeURIComponent would throw). */
  | { kind: 'malformed' };

/** Which route a request path (without query) names, with its parameters decoded. */
export function matchAdminRoute(path: string): AdminRouteMatch {
  const given = path.split('/');
  for (const name of ADMIN_ROUTE_NAMES) {
    const pattern = ADMIN_ROUTES[name].path.split('/');
    if (pattern.length !== given.length) continue;
    const params: Record<string, string> = {};
    let matched = true;
    let malformed = false;
    for (let index = 0; index < pattern.length && matched; index++) {
      const expected = pattern[index]!;
      const segment = given[index]!;
      const param = /^\{(\w+)\}$/.exec(expected);
      if (!param) matched = expected === segment;
      else if (segment === '') matched = false;
      else {
        try {
          params[param[1]!] = decodeURIComponent(segment);
        } catch {
          malformed = true;
        }
      }
    }
    if (matched) return malformed ? { kind: 'malformed' } : { kind: 'route', name, params };
  }
  return { kind: 'not-found' };
}
