// GET /metrics: the Prometheus text exposition (version 0.0.4). Names start vllm_pools_, labels pool and replica.
// Each family is written once with HELP and TYPE, then all its series, so `promtool check metrics` accepts it.

import { ALGORITHM_IDS } from '../../core/protocol';
import type { Fleet } from '../pool/fleet';
import type { Replica } from '../pool/replica';
import type { ActiveStreams } from './activeStreams';
import type { CumulativeHistogram } from './cumulativeHistogram';
import type { RequestCounters } from './requestCounters';

type Labels = Record<string, string>;
type Kind = 'counter' | 'gauge' | 'histogram';

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, kind: Kind, help: string, write: () => void): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${kind}`);
    write();
  }

  sample(name: string, labels: Labels, value: number): void {
    this.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  }

  histogram(name: string, labels: Labels, histogram: CumulativeHistogram): void {
    const cumulative = histogram.cumulative();
    histogram.bounds.forEach((bound, i) => {
      this.sample(`${name}_bucket`, { ...labels, le: formatValue(bound) }, cumulative[i]!);
    });
    this.sample(`${name}_bucket`, { ...labels, le: '+Inf' }, histogram.count);
    this.sample(`${name}_sum`, labels, histogram.sum);
    this.sample(`${name}_count`, labels, histogram.count);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`;
}

function formatValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

export function renderMetrics(fleet: Fleet, counters: RequestCounters, streams: ActiveStreams): string {
  const out = new Exposition();
  const replicas: { pool: string; replica: Replica }[] = fleet.pools.flatMap((pool) =>
    pool.replicas.map((replica) => ({ pool: pool.name, replica })),
  );
  const labelsOf = (entry: { pool: string; replica: Replica }): Labels => ({
    pool: entry.pool,
    replica: entry.replica.name,
  });
  const perReplica = (name: string, kind: Kind, help: string, value: (replica: Replica) => number) =>
    out.family(name, kind, help, () => {
      for (const entry of replicas) out.sample(name, labelsOf(entry), value(entry.replica));
    });

  out.family('vllm_pools_requests_total', 'counter', 'Finished client requests by pool and HTTP status.', () => {
    for (const { pool, status, count } of counters.byPoolStatus.values()) {
      out.sample('vllm_pools_requests_total', { pool, status: String(status) }, count);
    }
  });
  out.family('vllm_pools_retries_total', 'counter', 'Requests retried on another replica, by pool.', () => {
    for (const [pool, count] of counters.retriesByPool) out.sample('vllm_pools_retries_total', { pool }, count);
  });
  out.family('vllm_pools_active_requests', 'gauge', 'Requests in flight through the sidecar.', () => {
    out.sample('vllm_pools_active_requests', {}, streams.size);
  });
  out.family(
    'vllm_pools_pool_algorithm',
    'gauge',
    'The load-balancing algorithm of each pool (1 for the one in use).',
    () => {
      for (const pool of fleet.pools) {
        for (const id of ALGORITHM_IDS) {
          out.sample('vllm_pools_pool_algorithm', { pool: pool.name, algorithm: id }, pool.algorithm === id ? 1 : 0);
        }
      }
    },
  );

  perReplica('vllm_pools_replica_up', 'gauge', 'Whether the replica takes new requests (1) or not (0).', (r) =>
    r.health.isCandidate() && !r.removed ? 1 : 0,
  );
  out.family('vllm_pools_replica_state', 'gauge', 'Replica health state (1 for the current one).', () => {
    for (const entry of replicas) {
      const current = entry.replica.health.state();
      for (const state of ['healthy', 'unhealthy', 'draining', 'unknown']) {
        out.sample('vllm_pools_replica_state', { ...labelsOf(entry), state }, current === state ? 1 : 0);
      }
    }
  });
  perReplica('vllm_pools_replica_inflight_requests', 'gauge', 'Requests in flight to the replica.', (r) => r.inflight);
  perReplica('vllm_pools_replica_weight', 'gauge', 'Configured replica weight.', (r) => r.weight);
  perReplica('vllm_pools_replica_requests_total', 'counter', 'Attempts sent to the replica.', (r) => r.stats.requests);
  out.family('vllm_pools_replica_errors_total', 'counter', 'Failed attempts by kind.', () => {
    for (const entry of replicas) {
      for (const [kind, count] of entry.replica.stats.errorsByKind) {
        out.sample('vllm_pools_replica_errors_total', { ...labelsOf(entry), kind }, count);
      }
    }
  });
  perReplica(
    'vllm_pools_replica_retries_total',
    'counter',
    'Attempts on the replica that were retried elsewhere.',
    (r) => r.stats.retries,
  );
  perReplica(
    'vllm_pools_replica_ejections_total',
    'counter',
    'Passive ejections of the replica.',
    (r) => r.stats.ejections,
  );
  perReplica(
    'vllm_pools_replica_sent_bytes_total',
    'counter',
    'Request body bytes sent to the replica.',
    (r) => r.stats.bytesSent,
  );
  perReplica(
    'vllm_pools_replica_received_bytes_total',
    'counter',
    'Response body bytes received from the replica.',
    (r) => r.stats.bytesReceived,
  );
  perReplica(
    'vllm_pools_replica_output_tokens_total',
    'counter',
    'Output tokens streamed from the replica.',
    (r) => r.stats.tokens,
  );
  out.family('vllm_pools_replica_time_to_first_token_seconds', 'histogram', 'Time to first token per attempt.', () => {
    for (const entry of replicas)
      out.histogram('vllm_pools_replica_time_to_first_token_seconds', labelsOf(entry), entry.replica.stats.ttftSeconds);
  });
  out.family('vllm_pools_replica_inter_token_seconds', 'histogram', 'Gaps between streamed output events.', () => {
    for (const entry of replicas)
      out.histogram('vllm_pools_replica_inter_token_seconds', labelsOf(entry), entry.replica.stats.itlSeconds);
  });
  out.family('vllm_pools_replica_request_duration_seconds', 'histogram', 'Duration of each attempt.', () => {
    for (const entry of replicas)
      out.histogram(
        'vllm_pools_replica_request_duration_seconds',
        labelsOf(entry),
        entry.replica.stats.durationSeconds,
      );
  });

  const engines = replicas.flatMap((entry) => {
    const state = entry.replica.engineTracker.state();
    return state ? [{ labels: labelsOf(entry), state }] : [];
  });
  out.family('vllm_pools_engine_requests_running', 'gauge', 'vllm:num_requests_running at the last scrape.', () => {
    for (const { labels, state } of engines) out.sample('vllm_pools_engine_requests_running', labels, state.running);
  });
  out.family('vllm_pools_engine_requests_waiting', 'gauge', 'vllm:num_requests_waiting at the last scrape.', () => {
    for (const { labels, state } of engines) out.sample('vllm_pools_engine_requests_waiting', labels, state.waiting);
  });
  out.family(
    'vllm_pools_engine_kv_cache_usage_ratio',
    'gauge',
    'vllm:kv_cache_usage_perc (0..1) at the last scrape.',
    () => {
      for (const { labels, state } of engines)
        out.sample('vllm_pools_engine_kv_cache_usage_ratio', labels, state.kvCacheUsage);
    },
  );
  out.family(
    'vllm_pools_engine_prefix_cache_hit_ratio',
    'gauge',
    'Prefix-cache hits per query between the last two scrapes.',
    () => {
      for (const { labels, state } of engines) {
        if (state.prefixCacheHitRate !== null)
          out.sample('vllm_pools_engine_prefix_cache_hit_ratio', labels, state.prefixCacheHitRate);
      }
    },
  );
  out.family('vllm_pools_engine_scrape_age_seconds', 'gauge', 'Age of the last successful engine scrape.', () => {
    const now = Date.now();
    for (const { labels, state } of engines)
      out.sample('vllm_pools_engine_scrape_age_seconds', labels, Math.max(0, (now - state.scrapedAt) / 1000));
  });
  out.family(
    'vllm_pools_engine_scrape_duration_seconds',
    'gauge',
    "How long the replica's /metrics reads take (moving average); prefix-aware does not read out of turn above 0.1.",
    () => {
      for (const entry of replicas) {
        const ms = entry.replica.engineReadMs;
        if (ms !== undefined) out.sample('vllm_pools_engine_scrape_duration_seconds', labelsOf(entry), ms / 1000);
      }
    },
  );
  return out.text();
}
