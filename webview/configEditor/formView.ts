// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:..} and ${secret:..} are config references
// Renders the form for a FormModel and turns user input into FormEdits. Every control carries `data-key` (its dotted
// path or its role). A document change rebuilds the form: what the user typed or chose but has not committed yet (any
// field, not only the focused one) is kept in `drafts` under that key and put back, and focus and selection are
// restored. Live replica state only replaces the state badges.

import {
  type FieldIssue,
  type FormEdit,
  type FormModel,
  type FormValue,
  type LiveReplica,
  type PageToHost,
  pathKey,
  type YamlPath,
} from '../../core/configEditor/messages';
import { ALGORITHM_DESCRIPTIONS, ALGORITHM_IDS, isAlgorithmId } from '../../core/protocol';
import { type Child, h } from '../shared/h';
import { Drafts } from './drafts';
import {
  aliasEntries,
  aliasProblem,
  displayValue,
  type FieldSpec,
  fallbackChoices,
  fieldProblem,
  GLOBAL_FIELDS,
  HEALTH_FIELDS,
  listenPortHint,
  POOL_FIELDS,
  parseFieldInput,
  REPLICA_FIELDS,
  readReference,
  TIMEOUT_FIELDS,
  valueAt,
  writeReference,
} from './fields';
import { ItemIds } from './itemIds';

export interface TestResult {
  pending: boolean;
  ok: boolean;
  message: string;
}

type Post = (message: PageToHost) => void;

export class FormView {
  private model: FormModel | undefined;
  private fileName = 'vllm-pools.yaml';
  private live: Map<string, LiveReplica> | null = null;
  /** The running sidecar's port, when it runs. */
  private sidecarPort: number | null = null;
  /** "Test" results by the replica's stable key (ids, like the drafts), so they stay on the replica they are about. */
  private readonly tests = new Map<string, TestResult>();
  /** The replica a pending test was asked for, by the indexes the host answers with. */
  private readonly testedReplicas = new Map<string, string>();
  private notice: string | undefined;
  /** Pools and replicas by an id kept across document changes: drafts are keyed by it, not by position. */
  private readonly ids = new ItemIds();
  private readonly drafts = new Drafts((key) => this.ids.stableKey(key));
  /** True while the DOM is being replaced: blur events of removed inputs are not the user's. */
  private rendering = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly post: Post,
  ) {
    // Typing or choosing makes a draft; the control's commit (or the add button) drops it again.
    root.addEventListener('input', (event) => {
      const control = event.target;
      if (!(control instanceof HTMLInputElement || control instanceof HTMLSelectElement)) return;
      const key = control.dataset['key'];
      if (key) this.drafts.set(key, control.value);
    });
  }

  setModel(model: FormModel, fileName: string): void {
    const focus = this.focusState();
    this.model = model;
    this.fileName = fileName;
    // A broken text says nothing about which pool is which: the ids (and the drafts) wait for a parsable one.
    if (model.syntaxOk) {
      this.ids.update(model.values);
      this.drafts.retain((key) => this.ids.isCurrent(key));
      for (const key of [...this.tests.keys()]) if (!this.ids.isCurrent(key)) this.tests.delete(key);
    }
    this.notice = undefined;
    this.render(focus);
  }

  /** Live state changes often (every second): only the badges are updated, so typing in the form is undisturbed. */
  setLive(replicas: LiveReplica[] | null, port?: number): void {
    this.live = replicas ? new Map(replicas.map((r) => [`${r.pool}\u0000${r.url}`, r])) : null;
    const nextPort = replicas && port !== undefined ? port : null;
    if (nextPort !== this.sidecarPort) {
      this.sidecarPort = nextPort;
      const spec = GLOBAL_FIELDS.find((field) => pathKey(field.path) === 'listen.port');
      if (spec) this.root.querySelector('.field[data-path="listen.port"]')?.replaceWith(this.field(spec, []));
    }
    this.root.querySelector('.live')?.replaceWith(this.liveBadge());
    for (const cell of this.root.querySelectorAll<HTMLElement>('td.state-cell[data-live-key]')) {
      cell.replaceChildren(this.stateBadge(this.live?.get(cell.dataset['liveKey']!)));
    }
  }

  setTestResult(pool: number, replica: number, result: TestResult): void {
    const asked = `${pool}.${replica}`;
    const key = this.testedReplicas.get(asked) ?? this.replicaKey(pool, replica);
    if (result.pending) this.testedReplicas.set(asked, key);
    else this.testedReplicas.delete(asked);
    this.tests.set(key, result);
    this.render();
  }

  private replicaKey(pool: number, replica: number): string {
    return this.ids.stableKey(`pools.${pool}.replicas.${replica}`);
  }

  showNotice(message: string): void {
    this.notice = message;
    this.render();
  }

  private edit(edit: FormEdit): void {
    this.post({ type: 'edit', edit });
  }

  private get values(): FormValue {
    return this.model?.values ?? null;
  }

  private readOnly(path: YamlPath): boolean {
    if (!this.model?.syntaxOk) return true;
    const key = pathKey(path);
    return this.model.aliased.some((alias) => key === alias || key.startsWith(`${alias}.`));
  }

  /** The focused control by its stable key (pool and replica ids, not positions), and its text selection. */
  private focusState(): { stableKey: string; selection: [number, number] | undefined } | undefined {
    const active = document.activeElement as HTMLElement | null;
    const key = active?.dataset['key'];
    if (!key || !this.root.contains(active)) return undefined;
    const selection: [number, number] | undefined =
      active instanceof HTMLInputElement ? [active.selectionStart ?? 0, active.selectionEnd ?? 0] : undefined;
    return { stableKey: this.ids.stableKey(key), selection };
  }

  /** Rebuilds the form; focus goes back to the same control of the same pool or replica, wherever it now is. */
  render(focus = this.focusState()): void {
    const activeKey = focus ? this.ids.controlKey(focus.stableKey) : undefined;
    const selection = focus?.selection;

    this.rendering = true;
    try {
      this.root.replaceChildren(...this.build());
    } finally {
      this.rendering = false;
    }
    this.placeIssues();

    if (activeKey) {
      const again = this.root.querySelector<HTMLElement>(`[data-key="${CSS.escape(activeKey)}"]`);
      if (again) {
        again.focus();
        if (again instanceof HTMLInputElement && selection && again.type === 'text') {
          again.setSelectionRange(selection[0]!, selection[1]!);
        }
      }
    }
  }

  private build(): Node[] {
    const model = this.model;
    if (!model) return [h('p', { class: 'loading' }, 'Loading…')];
    const issues = model.issues;
    const errors = issues.filter((i) => i.severity === 'error').length;
    const warnings = issues.length - errors;
    const summary =
      issues.length === 0
        ? h('span', { class: 'summary ok' }, '✓ Valid')
        : h(
            'span',
            { class: `summary ${errors ? 'has-errors' : 'has-warnings'}` },
            `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
          );
    const header = h(
      'header',
      { class: 'toolbar' },
      h('h1', {}, this.fileName),
      summary,
      h('span', { class: 'spacer' }),
      this.liveBadge(),
      button('Open as Text', () => this.post({ type: 'openAsText' }), { class: 'secondary', 'data-key': 'openAsText' }),
    );
    const parts: Node[] = [header];
    if (this.notice) parts.push(h('div', { class: 'notice', role: 'alert' }, this.notice));
    if (!model.syntaxOk) {
      parts.push(
        h(
          'div',
          { class: 'notice error', role: 'alert' },
          'The file is not valid YAML, so the form is read-only. Fix it in the text editor; the form follows.',
        ),
      );
    }
    parts.push(h('section', { class: 'problems', 'data-path': '', 'aria-label': 'Other problems' }, this.issueList()));
    parts.push(this.globalSection());
    parts.push(this.aliasesSection());
    const pools = valueAt(this.values, ['pools']);
    const poolList = Array.isArray(pools) ? pools : [];
    const poolSection = h(
      'section',
      { class: 'pools', 'data-path': 'pools', 'aria-label': 'Pools' },
      h('h2', {}, `Pools (${poolList.length})`),
      h('div', { class: 'issues', role: 'alert' }),
      ...poolList.map((_, index) => this.poolCard(index)),
      this.addPoolForm(poolList.length),
    );
    parts.push(poolSection);
    return parts;
  }

  private liveBadge(): Node {
    if (!this.live)
      return h(
        'span',
        { class: 'live off', title: 'Start the sidecar to see live replica state' },
        'sidecar not running',
      );
    return h('span', { class: 'live on' }, '● live');
  }

  private issueList(): Node {
    return h('div', { class: 'issues', role: 'alert' });
  }

  private globalSection(): Node {
    return h(
      'section',
      { class: 'card global', 'aria-label': 'Global settings' },
      h('h2', {}, 'Global settings'),
      h('div', { class: 'grid' }, ...GLOBAL_FIELDS.map((spec) => this.field(spec, []))),
    );
  }

  /** Top-level `aliases`: a model name a tool insists on -> the model a pool serves; one row each, and an add row. */
  private aliasesSection(): Node {
    const entries = aliasEntries(this.values);
    const path: YamlPath = ['aliases'];
    const rows = entries.map(([name, model]) => {
      const aliasPath = [...path, name];
      const readOnly = this.readOnly(aliasPath);
      const input = h('input', {
        type: 'text',
        value: model,
        'data-key': `aliases.${name}`,
        'aria-label': `Model for alias ${name}`,
        spellcheck: 'false',
        disabled: readOnly,
      });
      this.restoreDrafts(input);
      let committed = model;
      const commit = (): void => {
        if (this.rendering || input.value.trim() === committed) return;
        committed = input.value.trim();
        this.drafts.delete(`aliases.${name}`);
        if (committed === '') this.edit({ kind: 'delete', path: aliasPath });
        else this.edit({ kind: 'set', path: aliasPath, value: committed });
      };
      input.addEventListener('change', commit);
      input.addEventListener('blur', commit);
      return h(
        'tr',
        { 'data-path': pathKey(aliasPath), 'data-alias': name },
        h('td', { class: 'alias-name' }, name),
        h('td', {}, input, h('div', { class: 'issues', role: 'alert' })),
        h(
          'td',
          {},
          button('Remove', () => this.remove(aliasPath), {
            class: 'secondary danger',
            'data-key': `aliases.${name}.remove`,
            disabled: readOnly,
          }),
        ),
      );
    });
    const disabled = !this.model?.syntaxOk || this.readOnly(path);
    const name = h('input', {
      type: 'text',
      placeholder: 'name a tool asks for, e.g. gpt-4o',
      'aria-label': 'New alias name',
      'data-key': 'aliases.new.name',
      disabled,
    });
    const model = h('input', {
      type: 'text',
      placeholder: 'model a pool serves',
      'aria-label': 'Model of the new alias',
      'data-key': 'aliases.new.model',
      disabled,
    });
    const problem = h('div', { class: 'issues add-problem', role: 'alert' });
    this.restoreDrafts(name, model);
    const add = (): void => {
      const why = aliasProblem(
        name.value,
        model.value,
        entries.map(([existing]) => existing),
      );
      problem.textContent = why ?? '';
      if (why) return;
      const value = model.value.trim();
      const key = name.value.trim();
      name.value = '';
      model.value = '';
      this.drafts.delete('aliases.new.name', 'aliases.new.model');
      this.edit({ kind: 'set', path: [...path, key], value });
    };
    for (const input of [name, model]) {
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') add();
      });
    }
    return h(
      'section',
      { class: 'card aliases', 'data-path': 'aliases', 'aria-label': 'Model aliases' },
      h('h2', {}, `Model aliases (${entries.length})`),
      h('div', { class: 'hint' }, 'A model name a tool insists on, sent to the model a pool serves'),
      h('div', { class: 'issues', role: 'alert' }),
      entries.length > 0
        ? h(
            'table',
            { class: 'aliases-table' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Model'), h('th', {}, ''))),
            h('tbody', {}, ...rows),
          )
        : null,
      h(
        'div',
        { class: 'add-row' },
        name,
        model,
        button('Add alias', add, { 'data-key': 'aliases.new.add', disabled }),
      ),
      problem,
    );
  }

  private poolCard(index: number): Node {
    const base: YamlPath = ['pools', index];
    const name = displayValue(valueAt(this.values, [...base, 'name'])) || `pool ${index + 1}`;
    const replicas = valueAt(this.values, [...base, 'replicas']);
    const replicaCount = Array.isArray(replicas) ? replicas.length : 0;
    return h(
      'section',
      { class: 'card pool', 'data-path': pathKey(base), 'aria-label': `Pool ${name}` },
      h(
        'div',
        { class: 'card-head' },
        h('h3', {}, name),
        h('span', { class: 'spacer' }),
        button('Remove pool', () => this.remove(base), {
          class: 'secondary danger',
          'data-key': `${pathKey(base)}.remove`,
          title: 'Removes the pool from the file (undo with Ctrl+Z)',
          disabled: this.readOnly(base),
        }),
      ),
      h('div', { class: 'issues', role: 'alert' }),
      h('div', { class: 'grid' }, ...POOL_FIELDS.map((spec) => this.field(spec, base))),
      h(
        'div',
        { class: 'subgrids' },
        h(
          'fieldset',
          { 'data-path': pathKey([...base, 'healthCheck']) },
          h('legend', {}, 'Health check'),
          h('div', { class: 'issues', role: 'alert' }),
          h('div', { class: 'grid compact' }, ...HEALTH_FIELDS.map((spec) => this.field(spec, base))),
        ),
        h(
          'fieldset',
          { 'data-path': pathKey([...base, 'timeouts']) },
          h('legend', {}, 'Timeouts (per attempt)'),
          h('div', { class: 'issues', role: 'alert' }),
          h('div', { class: 'grid compact' }, ...TIMEOUT_FIELDS.map((spec) => this.field(spec, base))),
        ),
      ),
      this.replicaTable(index, replicaCount),
    );
  }

  private replicaTable(pool: number, count: number): Node {
    const base: YamlPath = ['pools', pool, 'replicas'];
    const poolName = displayValue(valueAt(this.values, ['pools', pool, 'name']));
    const rows: Node[] = [];
    for (let index = 0; index < count; index++) {
      const path = [...base, index];
      const readOnly = this.readOnly(path);
      const url = displayValue(valueAt(this.values, [...path, 'url']));
      const live = this.live?.get(`${poolName}\u0000${url}`);
      const row = h(
        'tr',
        { 'data-path': pathKey(path), 'data-key': `${pathKey(path)}.row` },
        h(
          'td',
          { class: 'order' },
          button('↑', () => this.move(pool, index, index - 1), {
            class: 'icon',
            'aria-label': `Move replica ${index + 1} up`,
            title: 'Move up (Alt+↑)',
            disabled: readOnly || index === 0,
            'data-key': `${pathKey(path)}.up`,
          }),
          button('↓', () => this.move(pool, index, index + 1), {
            class: 'icon',
            'aria-label': `Move replica ${index + 1} down`,
            title: 'Move down (Alt+↓)',
            disabled: readOnly || index === count - 1,
            'data-key': `${pathKey(path)}.down`,
          }),
        ),
        h('td', { class: 'state-cell', 'data-live-key': `${poolName}\u0000${url}` }, this.stateBadge(live)),
        ...REPLICA_FIELDS.map((spec) => h('td', {}, this.field(spec, path, true))),
        h(
          'td',
          { class: 'actions' },
          button('Test', () => this.test(pool, index), {
            class: 'secondary',
            title: 'Calls the replica’s /v1/models',
            'data-key': `${pathKey(path)}.test`,
            disabled: !this.model?.syntaxOk,
          }),
          button('Remove', () => this.remove(path), {
            class: 'secondary danger',
            'aria-label': `Remove replica ${index + 1}`,
            'data-key': `${pathKey(path)}.remove`,
            disabled: readOnly,
          }),
        ),
      );
      row.addEventListener('keydown', (event) => {
        if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') || readOnly) return;
        const to = event.key === 'ArrowUp' ? index - 1 : index + 1;
        if (to < 0 || to >= count) return;
        event.preventDefault();
        this.move(pool, index, to);
      });
      rows.push(row);
      const test = this.tests.get(this.replicaKey(pool, index));
      if (test) {
        rows.push(
          h(
            'tr',
            { class: 'test-row' },
            h(
              'td',
              {
                colspan: 8,
                class: `test-result ${test.pending ? 'pending' : test.ok ? 'ok' : 'failed'}`,
                role: 'status',
              },
              test.pending ? 'Testing…' : `${test.ok ? '✓' : '✗'} ${test.message}`,
            ),
          ),
        );
      }
    }
    const header = h(
      'tr',
      {},
      h('th', { class: 'order' }, h('span', { class: 'sr-only' }, 'Order')),
      h('th', {}, 'State'),
      ...REPLICA_FIELDS.map((spec) => h('th', { class: `col-${spec.path[0]}` }, spec.label)),
      h('th', {}, h('span', { class: 'sr-only' }, 'Actions')),
    );
    return h(
      'div',
      { class: 'replicas', 'data-path': pathKey(base) },
      h('h4', {}, `Replicas (${count})`),
      h('div', { class: 'issues', role: 'alert' }),
      h('table', {}, h('thead', {}, header), h('tbody', {}, ...rows)),
      this.addReplicaForm(pool),
    );
  }

  private stateBadge(live: LiveReplica | undefined): Node {
    if (!this.live) return h('span', { class: 'state none', title: 'Sidecar not running' }, '—');
    if (!live)
      return h('span', { class: 'state none', title: 'Not in the running config (save and reload)' }, 'not loaded');
    const title = [live.reason, `${live.inflight} in flight`].filter(Boolean).join(' · ');
    return h('span', { class: `state ${live.state}`, title }, live.state);
  }

  /** Removes a pool or a replica; its drafts go with it once the document no longer has it (setModel). */
  private remove(path: YamlPath): void {
    this.edit({ kind: 'delete', path });
  }

  private move(pool: number, from: number, to: number): void {
    // A field typed into and still focused commits first, at the index it was typed at.
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    this.edit({ kind: 'move', path: ['pools', pool, 'replicas'], from, to });
    const key = `pools.${pool}.replicas.${to}.${to < from ? 'up' : 'down'}`;
    requestAnimationFrame(() => this.root.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus());
  }

  private test(pool: number, replica: number): void {
    this.setTestResult(pool, replica, { pending: true, ok: false, message: '' });
    this.post({ type: 'testConnection', pool, replica });
  }

  private addReplicaForm(pool: number): Node {
    const prefix = `pools.${pool}.new`;
    const url = h('input', {
      type: 'text',
      placeholder: 'http://host:8000',
      'aria-label': 'URL of the new replica',
      'data-key': `${prefix}.url`,
      disabled: !this.model?.syntaxOk,
    });
    const name = h('input', {
      type: 'text',
      placeholder: 'name (optional)',
      'aria-label': 'Name of the new replica',
      'data-key': `${prefix}.name`,
      disabled: !this.model?.syntaxOk,
    });
    this.restoreDrafts(url, name);
    const add = (): void => {
      if (url.value.trim() === '') {
        url.focus();
        return;
      }
      const replica: Record<string, FormValue> = { url: url.value.trim() };
      if (name.value.trim()) replica['name'] = name.value.trim();
      url.value = '';
      name.value = '';
      this.drafts.delete(`${prefix}.url`, `${prefix}.name`);
      this.edit({ kind: 'append', path: ['pools', pool, 'replicas'], value: replica });
    };
    for (const input of [url, name]) {
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') add();
      });
    }
    return h(
      'div',
      { class: 'add-row' },
      url,
      name,
      button('Add replica', add, { 'data-key': `${prefix}.add`, disabled: !this.model?.syntaxOk }),
    );
  }

  private addPoolForm(count: number): Node {
    const disabled = !this.model?.syntaxOk;
    const name = h('input', {
      type: 'text',
      placeholder: 'pool name',
      'aria-label': 'Name of the new pool',
      'data-key': 'newPool.name',
      disabled,
    });
    const url = h('input', {
      type: 'text',
      placeholder: 'first replica http://host:8000',
      'aria-label': 'URL of the new pool’s first replica',
      'data-key': 'newPool.url',
      disabled,
    });
    this.restoreDrafts(name, url);
    const add = (): void => {
      const missing = [name, url].find((input) => input.value.trim() === '');
      if (missing) {
        missing.focus();
        return;
      }
      const value = { name: name.value.trim(), replicas: [{ url: url.value.trim() }] };
      name.value = '';
      url.value = '';
      this.drafts.delete('newPool.name', 'newPool.url');
      this.edit({ kind: 'append', path: ['pools'], value });
    };
    for (const input of [name, url]) {
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') add();
      });
    }
    return h(
      'div',
      { class: 'card add-pool' },
      h('h3', {}, count === 0 ? 'Add your first pool' : 'Add a pool'),
      h('div', { class: 'add-row' }, name, url, button('Add pool', add, { 'data-key': 'newPool.add', disabled })),
    );
  }

  /**
   * Puts a draft into a freshly built control. Only the live value changes: the `value` attribute keeps what the file
   * holds, so selectors by value find committed entries, not drafts.
   */
  private restoreDrafts(...controls: (HTMLInputElement | HTMLSelectElement)[]): void {
    for (const control of controls) {
      const draft = this.drafts.get(control.dataset['key'] ?? '');
      if (draft !== undefined && !control.disabled) control.value = draft;
    }
  }

  /** One labelled input for `spec` under `owner`; `inTable` leaves the label to the column header. */
  private field(spec: FieldSpec, owner: YamlPath, inTable = false): Node {
    const path = [...owner, ...spec.path];
    const key = pathKey(path);
    const id = `f-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    const value = valueAt(this.values, path);
    const readOnly = this.readOnly(path);
    const control = this.control(spec, path, value, id, readOnly, inTable);
    const hint = this.hintFor(spec, value);
    return h(
      'div',
      { class: `field kind-${spec.kind}`, 'data-path': key },
      inTable ? null : h('label', { for: id }, spec.label),
      control,
      hint ? h('div', { class: 'hint' }, hint) : null,
      readOnly && this.model?.syntaxOk
        ? h('div', { class: 'hint' }, 'Shared through a YAML alias: edit it in the text.')
        : null,
      h('div', { class: 'issues', role: 'alert' }),
    );
  }

  private hintFor(spec: FieldSpec, value: FormValue | undefined): string | undefined {
    if (pathKey(spec.path) === 'listen.port') return listenPortHint(value, this.sidecarPort) ?? spec.hint;
    if (spec.kind === 'algorithm') {
      const inherited = displayValue(valueAt(this.values, ['algorithm'])) || 'least-connections';
      const id =
        typeof value === 'string' ? value : spec.path.length === 1 && spec.placeholder ? spec.placeholder : inherited;
      return isAlgorithmId(id) ? ALGORITHM_DESCRIPTIONS[id] : undefined;
    }
    return spec.hint;
  }

  private control(
    spec: FieldSpec,
    path: YamlPath,
    value: FormValue | undefined,
    id: string,
    disabled: boolean,
    inTable: boolean,
  ): Child {
    const key = pathKey(path);
    const label = inTable ? spec.label : undefined;
    const commit = (next: FormValue): void => {
      this.drafts.delete(key);
      if (next === null) {
        if (value !== undefined) this.edit({ kind: 'delete', path });
      } else if (JSON.stringify(next) !== JSON.stringify(value)) {
        this.edit({ kind: 'set', path, value: next });
      }
    };
    if (spec.kind === 'algorithm') {
      const isGlobal = path.length === 1;
      const inherited = displayValue(valueAt(this.values, ['algorithm'])) || 'least-connections';
      const select = h(
        'select',
        { id, 'data-key': key, disabled, 'aria-label': label },
        h('option', { value: '' }, isGlobal ? `default (${spec.placeholder})` : `inherit (${inherited})`),
        ...ALGORITHM_IDS.map((algorithm) =>
          h('option', { value: algorithm, selected: value === algorithm }, algorithm),
        ),
      );
      if (typeof value === 'string' && !isAlgorithmId(value)) {
        select.append(h('option', { value, selected: true }, `${value} (unknown)`));
      }
      this.restoreDrafts(select);
      select.addEventListener('change', () => commit(select.value === '' ? null : select.value));
      return select;
    }
    if (spec.kind === 'boolean') {
      const current = value === true ? 'true' : value === false ? 'false' : '';
      const select = h(
        'select',
        { id, 'data-key': key, disabled, 'aria-label': label },
        h('option', { value: '' }, `default (${spec.placeholder === 'true' ? 'on' : 'off'})`),
        h('option', { value: 'true', selected: current === 'true' }, 'on'),
        h('option', { value: 'false', selected: current === 'false' }, 'off'),
      );
      this.restoreDrafts(select);
      select.addEventListener('change', () => commit(select.value === '' ? null : select.value === 'true'));
      return select;
    }
    if (spec.kind === 'reference') return this.referenceControl(path, value, id, disabled, label);
    if (spec.kind === 'pool') {
      const choices = fallbackChoices(this.values, typeof path[1] === 'number' ? path[1] : -1);
      const select = h(
        'select',
        { id, 'data-key': key, disabled, 'aria-label': label },
        h('option', { value: '' }, 'none'),
        ...choices.map((pool) => h('option', { value: pool, selected: value === pool }, pool)),
      );
      if (typeof value === 'string' && value !== '' && !choices.includes(value)) {
        select.append(h('option', { value, selected: true }, `${value} (no such pool)`));
      }
      this.restoreDrafts(select);
      select.addEventListener('change', () => commit(select.value === '' ? null : select.value));
      return select;
    }
    const input = h('input', {
      id,
      type: 'text',
      value: displayValue(value),
      placeholder: spec.placeholder,
      'data-key': key,
      disabled,
      'aria-label': label,
      spellcheck: 'false',
      inputmode: spec.kind === 'integer' ? 'numeric' : undefined,
    });
    // Committed on change and on blur: after a re-render the input starts from its draft, which a change event alone
    // would miss. `committed` (what the file holds) keeps the two from sending the same edit twice.
    let committed = input.value;
    this.restoreDrafts(input);
    const commitTyped = (): void => {
      if (this.rendering) return;
      if (input.value === committed) {
        this.drafts.delete(key);
        return;
      }
      committed = input.value;
      commit(parseFieldInput(spec.kind, input.value));
    };
    input.addEventListener('change', commitTyped);
    input.addEventListener('blur', commitTyped);
    input.addEventListener('input', () => showTypingProblem(input, fieldProblem(spec.kind, input.value)));
    return input;
  }

  private referenceControl(
    path: YamlPath,
    value: FormValue | undefined,
    id: string,
    disabled: boolean,
    label: string | undefined,
  ): Node {
    const key = pathKey(path);
    const kindKey = `${key}.kind`;
    const reference = readReference(value);
    const kind = h(
      'select',
      { id, 'data-key': kindKey, disabled, 'aria-label': label ? `${label} source` : 'Source' },
      h('option', { value: 'none', selected: reference.kind === 'none' }, 'none'),
      h('option', { value: 'env', selected: reference.kind === 'env' }, '${env:…}'),
      h('option', { value: 'secret', selected: reference.kind === 'secret' }, '${secret:…}'),
      reference.kind === 'literal' ? h('option', { value: 'literal', selected: true }, 'literal in file') : null,
    );
    const name = h('input', {
      type: 'text',
      value: reference.kind === 'literal' ? '••••••••' : reference.name,
      placeholder: reference.kind === 'none' ? '' : 'NAME',
      'data-key': key,
      disabled: disabled || reference.kind === 'literal' || reference.kind === 'none',
      'aria-label': label ? `${label} variable or secret name` : 'Variable or secret name',
      spellcheck: 'false',
    });
    // A source chosen without a name yet is not in the file: its name field opens for typing and both stay drafts.
    const openForName = (): void => {
      name.disabled = kind.value === 'none' || kind.value === 'literal';
      if (name.value === '••••••••') name.value = '';
      name.placeholder = 'NAME';
    };
    this.restoreDrafts(kind);
    if (!disabled && kind.value !== reference.kind) openForName();
    this.restoreDrafts(name);
    const commit = (): void => {
      const next = writeReference(kind.value as 'none' | 'env' | 'secret' | 'literal', name.value);
      if (next === undefined) {
        openForName();
        name.focus();
        return;
      }
      this.drafts.delete(kindKey, key);
      if (next === null) {
        if (value !== undefined) this.edit({ kind: 'delete', path });
      } else if (next !== value) {
        this.edit({ kind: 'set', path, value: next });
      }
    };
    kind.addEventListener('change', commit);
    name.addEventListener('change', commit);
    const parts: Child[] = [kind, name];
    if (reference.kind === 'secret') {
      parts.push(
        button('Set value…', () => this.post({ type: 'storeSecret', name: reference.name }), {
          class: 'secondary',
          title: `Store the value of \${secret:${reference.name}} in VS Code's secret storage`,
          'data-key': `${key}.store`,
        }),
      );
    }
    return h('div', { class: `reference${reference.kind === 'literal' ? ' literal' : ''}` }, ...parts);
  }

  /** Puts each issue under the element whose data-path is the longest prefix of the issue's path. */
  private placeIssues(): void {
    const model = this.model;
    if (!model) return;
    const slots = new Map<string, HTMLElement>();
    for (const element of this.root.querySelectorAll<HTMLElement>('[data-path]')) {
      const slot = element.querySelector<HTMLElement>(':scope > .issues, :scope > td > .field > .issues');
      const direct = element.querySelector<HTMLElement>(':scope > .issues');
      if (direct ?? slot) slots.set(element.dataset['path']!, (direct ?? slot)!);
    }
    for (const issue of model.issues) {
      const target = this.slotFor(issue, slots);
      if (!target) continue;
      target.append(this.issueLine(issue));
      target.closest('.field')?.classList.add(issue.severity === 'error' ? 'invalid' : 'warned');
    }
  }

  private slotFor(issue: FieldIssue, slots: Map<string, HTMLElement>): HTMLElement | undefined {
    const segments = issue.path === '' ? [] : issue.path.split('.');
    for (let length = segments.length; length >= 0; length--) {
      const slot = slots.get(segments.slice(0, length).join('.'));
      if (slot) return slot;
    }
    return undefined;
  }

  private issueLine(issue: FieldIssue): Node {
    const where = button(
      `${issue.line}:${issue.col}`,
      () => this.post({ type: 'reveal', line: issue.line, col: issue.col }),
      {
        class: 'link',
        title: 'Show in the text',
      },
    );
    return h('div', { class: `issue ${issue.severity}` }, where, ' ', issue.message);
  }
}

function button(
  text: string,
  onClick: () => void,
  attrs: Record<string, string | boolean | undefined> = {},
): HTMLButtonElement {
  const element = h('button', { type: 'button', ...attrs }, text);
  element.addEventListener('click', onClick);
  return element;
}

/** The problem with what is being typed, under the field, before anything is committed to the file. */
function showTypingProblem(input: HTMLInputElement, problem: string | undefined): void {
  const field = input.closest('.field');
  const issues = field?.querySelector('.issues');
  if (!field || !issues) return;
  issues.querySelector('.issue.typing')?.remove();
  input.setAttribute('aria-invalid', problem ? 'true' : 'false');
  field.classList.toggle('typing-invalid', problem !== undefined);
  if (problem) issues.prepend(h('div', { class: 'issue error typing' }, problem));
}
