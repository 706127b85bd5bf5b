// One section per pool: its name, models and health, the algorithm in force with a selector, and its replica cards.

import { replicaKey } from '../../core/dashboard/messages';
import { ALGORITHM_DESCRIPTIONS, ALGORITHM_IDS, type AlgorithmId, type PoolState } from '../../core/protocol';
import { h } from '../shared/h';
import { reconcileChildren, setAttr, setClass, setText } from './dom';
import type { PageModel, ReplicaAction } from './model';
import { ReplicaCard } from './replicaCard';

export interface PoolActions {
  setAlgorithm(pool: string, algorithm: AlgorithmId): void;
  replicaAction(pool: string, replica: string, action: ReplicaAction): void;
}

let selectIds = 0;

export class PoolSection {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly description: HTMLElement;
  private readonly error: HTMLElement;
  private readonly cardsBox: HTMLElement;
  private readonly cards = new Map<string, ReplicaCard>();

  constructor(
    private readonly name: string,
    private readonly actions: PoolActions,
  ) {
    const selectId = `algorithm-${++selectIds}`;
    this.select = h('select', { class: 'algorithm-select', id: selectId, 'data-pool': name });
    for (const id of ALGORITHM_IDS) {
      this.select.append(h('option', { title: ALGORITHM_DESCRIPTIONS[id], value: id }, id));
    }
    this.select.addEventListener('change', () => {
      this.actions.setAlgorithm(this.name, this.select.value as AlgorithmId);
    });
    this.summary = h('span', { class: 'pool-summary' });
    this.description = h('p', { class: 'algorithm-description' });
    this.error = h('p', { class: 'action-error', role: 'alert' });
    this.cardsBox = h('div', { class: 'cards' });
    this.element = h(
      'section',
      { class: 'pool', 'aria-label': `Pool ${name}`, 'data-pool': name },
      h(
        'header',
        { class: 'pool-head' },
        h('h2', { class: 'pool-name' }, name),
        this.summary,
        h('div', { class: 'algorithm' }, h('label', { for: selectId }, 'Algorithm'), this.select),
      ),
      this.description,
      this.error,
      this.cardsBox,
    );
  }

  update(pool: PoolState, model: PageModel, colorOf: (key: string) => string): void {
    const models = pool.models.length > 0 ? ` · ${pool.models.join(', ')}` : '';
    setText(this.summary, `${pool.healthy}/${pool.total} healthy${models}`);
    setClass(this.summary, 'degraded', pool.healthy < pool.total);
    setClass(this.summary, 'down', pool.healthy === 0);

    const pending = model.pendingAlgorithms.get(pool.name)?.value;
    const shown = pending ?? pool.algorithm;
    if (this.select.value !== shown) this.select.value = shown;
    setAttr(this.select, 'aria-busy', pending ? 'true' : null);
    setText(this.description, ALGORITHM_DESCRIPTIONS[shown] ?? '');
    setText(this.error, model.errors.get(pool.name) ?? '');

    const cards = pool.replicas.map((replica) => {
      const key = replicaKey(pool.name, replica.name);
      let card = this.cards.get(key);
      if (!card) {
        card = new ReplicaCard(pool.name, replica.name, (p, r, action) => this.actions.replicaAction(p, r, action));
        this.cards.set(key, card);
      }
      card.update({
        pool: pool.name,
        replica,
        color: colorOf(key),
        pending: model.pendingReplicaActions.get(key)?.value ?? null,
        error: model.errors.get(key) ?? null,
        connected: model.connection.state === 'connected',
      });
      return { key, card };
    });
    const keep = new Set(cards.map((c) => c.key));
    for (const key of this.cards.keys()) if (!keep.has(key)) this.cards.delete(key);
    reconcileChildren(
      this.cardsBox,
      cards.map((c) => c.card.element),
    );
  }
}
