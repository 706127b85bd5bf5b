// A hand-written subset of Envoy's v3 API (the messages the export uses, with their field names and value kinds,
// taken from the envoyproxy/envoy api/*.proto definitions). No Envoy binary is packaged for Debian 12, so this is
// how far the export can be checked here: every field name, value kind, enum value and @type must be known.

type Kind =
  | 'string'
  | 'uint'
  | 'bool'
  | 'duration'
  | { enum: readonly string[] }
  | { message: string }
  | { list: Kind }
  | { map: Kind }
  | 'any';

const DURATION = /^\d+(\.\d{1,9})?s$/;

const MESSAGES: Record<string, Record<string, Kind>> = {
  Bootstrap: { static_resources: { message: 'StaticResources' } },
  StaticResources: { listeners: { list: { message: 'Listener' } }, clusters: { list: { message: 'Cluster' } } },
  Listener: {
    name: 'string',
    address: { message: 'Address' },
    filter_chains: { list: { message: 'FilterChain' } },
  },
  Address: { socket_address: { message: 'SocketAddress' } },
  SocketAddress: { address: 'string', port_value: 'uint' },
  FilterChain: { filters: { list: { message: 'Filter' } }, transport_socket: { message: 'TransportSocket' } },
  Filter: { name: 'string', typed_config: 'any' },
  TransportSocket: { name: 'string', typed_config: 'any' },
  HttpConnectionManager: {
    stat_prefix: 'string',
    codec_type: { enum: ['AUTO', 'HTTP1', 'HTTP2', 'HTTP3'] },
    request_timeout: 'duration',
    stream_idle_timeout: 'duration',
    common_http_protocol_options: { message: 'CoreHttpProtocolOptions' },
    route_config: { message: 'RouteConfiguration' },
    http_filters: { list: { message: 'HttpFilter' } },
  },
  CoreHttpProtocolOptions: { idle_timeout: 'duration', max_connection_duration: 'duration' },
  HttpFilter: { name: 'string', typed_config: 'any' },
  Router: {},
  RouteConfiguration: { name: 'string', virtual_hosts: { list: { message: 'VirtualHost' } } },
  VirtualHost: { name: 'string', domains: { list: 'string' }, routes: { list: { message: 'Route' } } },
  Route: {
    name: 'string',
    match: { message: 'RouteMatch' },
    route: { message: 'RouteAction' },
    direct_response: { message: 'DirectResponseAction' },
    request_headers_to_add: { list: { message: 'HeaderValueOption' } },
  },
  RouteMatch: { prefix: 'string', path: 'string', headers: { list: { message: 'HeaderMatcher' } } },
  HeaderMatcher: {
    name: 'string',
    string_match: { message: 'StringMatcher' },
    invert_match: 'bool',
    treat_missing_header_as_empty: 'bool',
    present_match: 'bool',
  },
  StringMatcher: { exact: 'string', prefix: 'string', ignore_case: 'bool' },
  DirectResponseAction: { status: 'uint', body: { message: 'DataSource' } },
  DataSource: { inline_string: 'string', filename: 'string' },
  RouteAction: {
    cluster: 'string',
    timeout: 'duration',
    idle_timeout: 'duration',
    prefix_rewrite: 'string',
    retry_policy: { message: 'RetryPolicy' },
    hash_policy: { list: { message: 'HashPolicy' } },
  },
  RetryPolicy: {
    retry_on: 'string',
    num_retries: 'uint',
    retriable_status_codes: { list: 'uint' },
    retry_host_predicate: { list: { message: 'TypedExtension' } },
    host_selection_retry_max_attempts: 'uint',
    per_try_timeout: 'duration',
  },
  TypedExtension: { name: 'string', typed_config: 'any' },
  PreviousHostsPredicate: {},
  HashPolicy: {
    header: { message: 'HashPolicyHeader' },
    connection_properties: { message: 'HashPolicyConnectionProperties' },
    terminal: 'bool',
  },
  HashPolicyHeader: { header_name: 'string' },
  HashPolicyConnectionProperties: { source_ip: 'bool' },
  HeaderValueOption: {
    header: { message: 'HeaderValue' },
    append_action: {
      enum: ['APPEND_IF_EXISTS_OR_ADD', 'ADD_IF_ABSENT', 'OVERWRITE_IF_EXISTS_OR_ADD', 'OVERWRITE_IF_EXISTS'],
    },
  },
  HeaderValue: { key: 'string', value: 'string' },
  Cluster: {
    name: 'string',
    type: { enum: ['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'] },
    connect_timeout: 'duration',
    lb_policy: { enum: ['ROUND_ROBIN', 'LEAST_REQUEST', 'RING_HASH', 'RANDOM', 'MAGLEV', 'CLUSTER_PROVIDED'] },
    least_request_lb_config: { message: 'LeastRequestLbConfig' },
    ring_hash_lb_config: { message: 'RingHashLbConfig' },
    common_lb_config: { message: 'CommonLbConfig' },
    typed_extension_protocol_options: { map: 'any' },
    load_assignment: { message: 'ClusterLoadAssignment' },
    health_checks: { list: { message: 'HealthCheck' } },
    outlier_detection: { message: 'OutlierDetection' },
    transport_socket: { message: 'TransportSocket' },
  },
  LeastRequestLbConfig: { choice_count: 'uint' },
  RingHashLbConfig: { minimum_ring_size: 'uint', maximum_ring_size: 'uint' },
  CommonLbConfig: { consistent_hashing_lb_config: { message: 'ConsistentHashingLbConfig' } },
  ConsistentHashingLbConfig: { use_hostname_for_hashing: 'bool', hash_balance_factor: 'uint' },
  HttpProtocolOptions: {
    common_http_protocol_options: { message: 'CoreHttpProtocolOptions' },
    explicit_http_config: { message: 'ExplicitHttpConfig' },
  },
  ExplicitHttpConfig: { http_protocol_options: { message: 'Http1ProtocolOptions' } },
  Http1ProtocolOptions: {},
  ClusterLoadAssignment: { cluster_name: 'string', endpoints: { list: { message: 'LocalityLbEndpoints' } } },
  LocalityLbEndpoints: { lb_endpoints: { list: { message: 'LbEndpoint' } } },
  LbEndpoint: { endpoint: { message: 'Endpoint' }, load_balancing_weight: 'uint' },
  Endpoint: { address: { message: 'Address' }, hostname: 'string' },
  HealthCheck: {
    timeout: 'duration',
    interval: 'duration',
    healthy_threshold: 'uint',
    unhealthy_threshold: 'uint',
    http_health_check: { message: 'HttpHealthCheck' },
  },
  HttpHealthCheck: { path: 'string', request_headers_to_add: { list: { message: 'HeaderValueOption' } } },
  OutlierDetection: {
    consecutive_5xx: 'uint',
    consecutive_gateway_failure: 'uint',
    enforcing_consecutive_5xx: 'uint',
    enforcing_consecutive_gateway_failure: 'uint',
    interval: 'duration',
    base_ejection_time: 'duration',
    max_ejection_percent: 'uint',
  },
  UpstreamTlsContext: { sni: 'string', common_tls_context: { message: 'CommonTlsContext' } },
  DownstreamTlsContext: { common_tls_context: { message: 'CommonTlsContext' } },
  CommonTlsContext: {
    tls_certificates: { list: { message: 'TlsCertificate' } },
    validation_context: { message: 'CertificateValidationContext' },
  },
  TlsCertificate: { certificate_chain: { message: 'DataSource' }, private_key: { message: 'DataSource' } },
  CertificateValidationContext: { trusted_ca: { message: 'DataSource' } },
};

/** The @type URLs the export may use, and the message each names. */
const ANY_TYPES: Record<string, string> = {
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager':
    'HttpConnectionManager',
  'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router': 'Router',
  'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate': 'PreviousHostsPredicate',
  'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions': 'HttpProtocolOptions',
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext': 'UpstreamTlsContext',
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext': 'DownstreamTlsContext',
};

/** Every problem found, as "path: what" strings; empty when the document fits the subset. */
export function checkEnvoyShape(document: unknown): string[] {
  const problems: string[] = [];
  checkMessage(document, 'Bootstrap', '', problems);
  return problems;
}

function checkMessage(value: unknown, type: string, path: string, problems: string[]): void {
  const fields = MESSAGES[type];
  if (!fields) {
    problems.push(`${path}: unknown message type ${type}`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: ${type} must be an object`);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (key === '@type') continue;
    const kind = fields[key];
    if (!kind) problems.push(`${path}.${key}: not a field of ${type}`);
    else checkValue(child, kind, `${path}.${key}`, problems);
  }
}

function checkValue(value: unknown, kind: Kind, path: string, problems: string[]): void {
  if (kind === 'string') {
    if (typeof value !== 'string') problems.push(`${path}: expected a string`);
  } else if (kind === 'uint') {
    if (!Number.isInteger(value) || (value as number) < 0) problems.push(`${path}: expected an unsigned integer`);
  } else if (kind === 'bool') {
    if (typeof value !== 'boolean') problems.push(`${path}: expected a boolean`);
  } else if (kind === 'duration') {
    if (typeof value !== 'string' || !DURATION.test(value)) problems.push(`${path}: expected a duration like "5s"`);
  } else if (kind === 'any') {
    const type = (value as { '@type'?: unknown } | null)?.['@type'];
    const message = typeof type === 'string' ? ANY_TYPES[type] : undefined;
    if (!message) problems.push(`${path}: unknown or missing @type ${String(type)}`);
    else checkMessage(value, message, path, problems);
  } else if ('enum' in kind) {
    if (!kind.enum.includes(value as string)) problems.push(`${path}: ${String(value)} is not one of ${kind.enum}`);
  } else if ('message' in kind) {
    checkMessage(value, kind.message, path, problems);
  } else if ('list' in kind) {
    if (!Array.isArray(value)) problems.push(`${path}: expected a list`);
    else {
      value.forEach((item, index) => {
        checkValue(item, kind.list, `${path}[${index}]`, problems);
      });
    }
  } else if ('map' in kind) {
    if (typeof value !== 'object' || value === null) problems.push(`${path}: expected a map`);
    else for (const [key, item] of Object.entries(value)) checkValue(item, kind.map, `${path}.${key}`, problems);
  }
}

/** The retry_on conditions Envoy's router knows (x-envoy-retry-on). */
export const ENVOY_RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'envoy-ratelimited',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'http3-post-connect-failure',
]);
