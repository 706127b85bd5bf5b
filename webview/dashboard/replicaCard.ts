// One card per replica: its state and why, load, latency, throughput, the engine's own view, and drain/enable.
// Built once per replica and updated in place.
import type { ReplicaState } from '../../core/protocol';
import { REPLICA_STATE_LABELS, REPLICA_STATES } from '../../core/replicaStates';
import { h } from '../shared/h';
import { setAttr, setClass, setHidden, setText } from './dom';
import { formatCount, formatLora, formatMsPair, formatPercent, formatRate, NO_VALUE, replicaWhy } from './format';
import type { ReplicaAction } from './model';

export interface ReplicaCardView {
  pool: string;
  replica: ReplicaState;
  color: string;
  /** A drain/enable click the snapshot does not show yet. */
  pending: ReplicaAction | null;
  error: string | null;
  /** Whether the page follows a running sidecar: drain and enable need it. */
  connected: boolean;
}

export class ReplicaCard {
  readonly element: HTMLElement;
  private readonly swatch: HTMLElement;
  private readonly stateBadge: HTMLElement;
  private readonly address: HTMLElement;
  private readonly reason: HTMLElement;
  private readonly fields = new Map<string, HTMLElement>();
  private readonly engineOff: HTMLElement;
  private readonly engineOn: HTMLElement;
  private readonly kvFill: HTMLElement;
  private readonly loraRow: HTMLElement;
  private readonly error: HTMLElement;
  private readonly button: HTMLButtonElement;
  private view: ReplicaCardView | null = null;

  constructor(
    pool: string,
    name: string,
    private readonly onAction: (pool: string, replica: string, action: ReplicaAction) => void,
  ) {
    const tile = (field: string, label: string) =>
      h('div', { class: 'tile' }, this.valueField(field, 'tile-value'), h('span', { class: 'tile-label' }, label));
    const row = (field: string, label: string, title?: string) =>
      h('div', { class: 'metric' }, h('dt', { title: title || undefined }, label), h('dd', {}, this.valueField(field)));
    this.swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    this.stateBadge = h('span', { class: 'state-badge', 'data-field': 'state' });
    this.address = h('div', { class: 'replica-address' });
    this.reason = h('p', { class: 'reason', 'data-field': 'reason' });
    this.kvFill = h('span', { class: 'bar-fill' });
    this.engineOff = h('p', { class: 'engine-off' }, 'Engine metrics not scraped yet');
    this.loraRow = row(
      'lora',
      'LoRA adapters',
      'vllm:lora_requests_info: the adapters in the running batch (at most --max-loras) and those waiting',
    );
    this.engineOn = h(
      'dl',
      { class: 'metrics engine' },
      row(
        'engine-queue',
        'Engine running / waiting',
        'From the replica’s /metrics: vllm:num_requests_running / waiting',
      ),
      row('prefix-hit', 'Prefix cache hits', 'vllm:prefix_cache_hits / queries between the last two scrapes'),
      h(
        'div',
        { class: 'metric' },
        h('dt', { title: 'vllm:kv_cache_usage_perc' }, 'KV cache'),
        h(
          'dd',
          { class: 'kv' },
          h('span', { class: 'bar', 'aria-hidden': 'true' }, this.kvFill),
          this.valueField('kv-cache'),
        ),
      ),
      this.loraRow,
    );
    this.error = h('span', { class: 'action-error', role: 'alert' });
    this.button = h('button', { class: 'replica-action', type: 'button' });
    this.button.addEventListener('click', () => {
      const view = this.view;
      if (!view || view.pending || !view.connected) return;
      this.onAction(view.pool, view.replica.name, view.replica.state === 'draining' ? 'enable' : 'drain');
    });
    this.element = h(
      'article',
      { class: 'replica-card', 'aria-label': `Replica ${name}`, 'data-pool': pool, 'data-replica': name },
      h('header', { class: 'card-head' }, this.swatch, h('h3', { class: 'replica-name' }, name), this.stateBadge),
      this.address,
      this.reason,
      h(
        'div',
        { class: 'tiles' },
        tile('inflight', 'in flight'),
        tile('rps', 'req/s'),
        tile('tps', 'tokens/s'),
        tile('error-rate', 'errors'),
      ),
      h(
        'dl',
        { class: 'metrics' },
        row('ttft', 'TTFT p50 / p95', 'Time to first token'),
        row('itl', 'Token gap p50 / p95', 'Time between the tokens of a stream'),
        row('requests', 'Requests · retries'),
      ),
      this.engineOff,
      this.engineOn,
      h('div', { class: 'card-actions' }, this.error, this.button),
    );
  }

  update(view: ReplicaCardView): void {
    this.view = view;
    const r = view.replica;
    this.swatch.style.backgroundColor = view.color;
    for (const state of REPLICA_STATES) setClass(this.element, `state-${state}`, r.state === state);
    setText(this.stateBadge, REPLICA_STATE_LABELS[r.state]);
    setText(this.address, r.weight === 1 ? shortUrl(r.url) : `${shortUrl(r.url)} · weight ${r.weight}`);
    setAttr(this.address, 'title', r.url);
    const why = replicaWhy(r);
    setText(this.reason, why);
    setHidden(this.reason, why === '');

    this.set('inflight', String(r.inflight));
    this.set('rps', formatRate(r.requestsPerSecond));
    this.set('error-rate', formatPercent(r.errorRate));
    this.set('requests', `${formatCount(r.requests)} · ${formatCount(r.retries)}`);
    this.set('ttft', r.ttftMs ? formatMsPair(r.ttftMs.p50, r.ttftMs.p95) : NO_VALUE);
    this.set('itl', r.itlMs ? formatMsPair(r.itlMs.p50, r.itlMs.p95) : NO_VALUE);
    this.set('tps', formatRate(r.tokensPerSecond));
    setClass(this.fields.get('error-rate')!, 'bad', r.errorRate > 0.05);
    setAttr(this.fields.get('error-rate')!, 'title', `${formatCount(r.errors)} errors since start`);

    const engine = r.engine;
    setHidden(this.engineOff, engine !== null);
    setHidden(this.engineOn, engine === null);
    if (engine) {
      this.set('engine-queue', `${engine.running} / ${engine.waiting}`);
      this.set('prefix-hit', formatPercent(engine.prefixCacheHitRate));
      this.set('kv-cache', formatPercent(engine.kvCacheUsage) + (engine.stale ? ' (stale)' : ''));
      const width = `${Math.round(Math.min(1, Math.max(0, engine.kvCacheUsage)) * 100)}%`;
      if (this.kvFill.style.width !== width) this.kvFill.style.width = width;
      setClass(this.engineOn, 'stale', engine.stale);
      setHidden(this.loraRow, !engine.lora);
      if (engine.lora) this.set('lora', formatLora(engine.lora));
    }

    const action: ReplicaAction = r.state === 'draining' ? 'enable' : 'drain';
    const pending = view.connected ? view.pending : null;
    setText(this.button, pending ? (pending === 'drain' ? 'Draining…' : 'Enabling…') : capitalise(action));
    setAttr(this.button, 'aria-label', `${capitalise(action)} ${r.name}`);
    setAttr(
      this.button,
      'title',
      !view.connected
        ? 'The sidecar is not running: start it to drain or enable replicas'
        : action === 'drain'
          ? 'Stop sending new requests; in-flight ones finish'
          : 'Send requests to this replica again',
    );
    // aria-disabled rather than disabled: a disabled button would drop keyboard focus.
    setAttr(this.button, 'aria-disabled', pending || !view.connected ? 'true' : null);
    setText(this.error, view.error ?? '');
  }

  private valueField(field: string, className = ''): HTMLElement {
    const value = h('span', { class: className || undefined, 'data-field': field });
    this.fields.set(field, value);
    return value;
  }

  private set(field: string, text: string): void {
    setText(this.fields.get(field)!, text);
  }
}

function shortUrl(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
