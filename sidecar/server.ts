// The node:http server: security checks (Host, Origin, client token, admin token), then the routes.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { isLoopbackHost } from '../core/config/defaults';
import type { Config } from '../core/config/types';
import { type AdminControl, handleAdmin, sendJson } from './admin/adminRoutes';
import { hasToken } from './admin/auth';
import { hasClientToken } from './clientToken';
import type { Logger } from './log';
import type { Fleet } from './pool/fleet';
import { ADAPTER_PATHS, adapterRoute } from './proxy/adapterRoute';
import { sendError } from './proxy/openaiError';
import { listModels, type ProxyDeps, proxyRoute } from './proxy/proxyRoute';
import { routeOf } from './proxy/routes';
import type { GatewayUsers } from './users/gatewayUsers';

export interface ServerContext {
  config(): Config;
  /** The address the server listens on (the config's, or the one given on the command line). */
  listenHost(): string;
  adminToken(): string | undefined;
  fleet(): Fleet;
  proxyDeps: ProxyDeps;
  admin: AdminControl;
  metrics(): string;
  closing(): boolean;
  logger: Logger;
  /** Gateway mode with named users (config `users`); undefined otherwise. */
  users?: () => GatewayUsers | undefined;
}

/**
 * Bounds on what clients send (node:http). requestTimeout bounds receiving the request (head and body), never the
 * response, so a stream may last hours; requestTimeout 0 would let a client that dribbles its body hold a socket for
 * ever. headersTimeout drops a client that sends its head byte by byte (slow loris); the check runs every
 * connectionsCheckingInterval.
 */
export const CLIENT_TIMEOUTS = {
  headersTimeout: 20_000,
  requestTimeout: 300_000,
  keepAliveTimeout: 65_000,
  connectionsCheckingInterval: 2_000,
} as const;

export function createSidecarServer(context: ServerContext): Server {
  const options = { noDelay: true, ...CLIENT_TIMEOUTS };
  const tls = context.config().tls;
  const server: Server = tls
    ? createTlsServer({ ...options, cert: readFileSync(tls.cert), key: readFileSync(tls.key) })
    : createServer(options);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(context, req, res).catch((error: unknown) => {
      context.logger.error('request handler failed', { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) sendError(res, 500, 'internal error in the sidecar', {}, 'server_error');
      else res.destroy();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });
  return server;
}

async function handle(context: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const config = context.config();
  if (!hostAllowed(req.headers.host, context.listenHost(), config.clientToken)) {
    return sendError(
      res,
      403,
      'forbidden: the Host header is not a loopback name or the configured host',
      {},
      'permission_error',
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (!config.allowedOrigins.includes(origin)) {
      return sendError(res, 403, `forbidden: origin ${origin} is not in allowedOrigins`, {}, 'permission_error');
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'x-vllm-pools-pool, x-vllm-pools-replica, x-vllm-pools-attempts');
    res.setHeader('vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
        'access-control-allow-headers': String(
          req.headers['access-control-request-headers'] ?? 'authorization, content-type',
        ),
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
  }

  const url = requestUrl(req.url);
  if (!url) return sendError(res, 400, 'malformed request target');
  const path = url.pathname;
  const fleet = context.fleet();

  if (path === '/healthz') return healthz(fleet, res);
  if (path === '/metrics' && req.method === 'GET') {
    const text = context.metrics();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(text);
    return;
  }
  // The raw target too: `/admin/replicas/%2e%2e/%2e%2e/enable` parses to `/enable`.
  if (
    path === '/admin' ||
    path.startsWith('/admin/') ||
    ADMIN_LOOKALIKE.test(path) ||
    ADMIN_LOOKALIKE.test(req.url ?? '')
  ) {
    if (!hasToken(req.headers, context.adminToken())) {
      return sendError(res, 401, 'admin endpoints need Authorization: Bearer <admin token>', {
        'www-authenticate': 'Bearer',
      });
    }
    return handleAdmin(context.admin, req, res, path);
  }

  if (context.closing()) {
    res.setHeader('connection', 'close');
    return sendError(res, 503, 'the sidecar is shutting down', { 'retry-after': '1' });
  }
  const route = routeOf(req.method ?? 'GET', path, url.search);
  const users = context.users?.();
  const user = users?.authenticate(req.headers);
  if (users ? user === undefined : !hasClientToken(req.headers, config.clientToken)) {
    // In the caller's dialect: an Anthropic client reads only Anthropic's error shape.
    const error = route.dialect.error(
      401,
      'this endpoint needs Authorization: Bearer <clientToken> (or x-api-key: <clientToken>)',
      'authentication_error',
    );
    res.writeHead(401, {
      'content-type': error.contentType,
      'content-length': Buffer.byteLength(error.body),
      'www-authenticate': 'Bearer',
    });
    res.end(error.body);
    return;
  }
  if (route.models) {
    if (route.pool !== undefined && !fleet.pool(route.pool)) {
      const names = fleet.pools.map((pool) => pool.name).join(', ');
      return sendError(res, 404, `The pool \`${route.pool}\` does not exist. Pools: ${names || '(none)'}`);
    }
    return sendJson(res, 200, listModels(fleet, Date.now(), route.pool, config.aliases));
  }
  if (ADAPTER_PATHS.has(route.upstreamPath.split('?', 1)[0]!)) {
    return adapterRoute(fleet, config.limits.maxBodyBytes, req, res, route);
  }
  return proxyRoute(fleet, context.proxyDeps, config.limits.maxBodyBytes, req, res, route, user);
}

/**
 * `/Admin/State`, `/%61dmin/state`, `//admin/state`, `/ADMIN%2fstate`: the admin space in another spelling. It is the
 * admin's (401 without the token, 404 with it), never forwarded to a replica, whose answer would depend on its health.
 */
const ADMIN_LOOKALIKE = /^\/+(?:a|%61)(?:d|%64)(?:m|%6d)(?:i|%69)(?:n|%6e)(?![\w-])/i;

/** Targets the URL parser would return unchanged: plain path segments and an optional plain query. */
const PLAIN_TARGET = /^(\/[\w\-/]*)(\?[\w\-.~=&+%]*)?$/;

/** The request target as a URL; `//x` stays a path (not a host), and a target URL cannot parse gives undefined. */
function requestUrl(target: string | undefined): Pick<URL, 'pathname' | 'search'> | undefined {
  const path = target ?? '/';
  // The common case without building a URL object (it costs more than the rest of the routing).
  const plain = PLAIN_TARGET.exec(path);
  if (plain) return { pathname: plain[1]!, search: plain[2] === '?' ? '' : (plain[2] ?? '') };
  try {
    return new URL(`http://sidecar${path.startsWith('/') ? path : `/${path}`}`);
  } catch {
    return undefined;
  }
}

/**
 * ok: every replica checked and healthy; down (503): none healthy and none left to check; degraded otherwise. A
 * replica not checked yet is `unknown`, never counted as healthy (it may still take requests meanwhile).
 */
function healthz(fleet: Fleet, res: ServerResponse): void {
  const states = fleet.pools.flatMap((pool) => pool.active()).map((replica) => replica.health.state());
  const healthy = states.filter((state) => state === 'healthy').length;
  const unknown = states.filter((state) => state === 'unknown').length;
  const total = states.length;
  const status = healthy === total && total > 0 ? 'ok' : healthy === 0 && unknown === 0 ? 'down' : 'degraded';
  sendJson(res, status === 'down' ? 503 : 200, { status, healthy, unknown, total });
}

/** Loopback names and the configured host pass; a wildcard listen address with a client token accepts any host. */
export function hostAllowed(
  hostHeader: string | undefined,
  listenHost: string,
  clientToken: string | undefined,
): boolean {
  if (hostHeader === undefined || hostHeader === '') return true;
  const host = hostOnly(hostHeader);
  if (isLoopbackHost(host)) return true;
  if (/\.localhost$/i.test(host)) return true;
  const configured = listenHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === configured) return true;
  return (configured === '0.0.0.0' || configured === '::') && Boolean(clientToken);
}

function hostOnly(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']') > 0 ? value.indexOf(']') : undefined);
  const colon = value.lastIndexOf(':');
  return colon >= 0 && value.indexOf(':') === colon ? value.slice(0, colon) : value;
}
