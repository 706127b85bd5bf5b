// The line above everything: the local endpoint, the link to the sidecar, version and uptime.

import type { ConnectionStatus } from '../../core/dashboard/messages';
import type { StateSnapshot } from '../../core/protocol';
import { h } from '../shared/h';
import { setAttr, setClass, setHidden, setText } from './dom';
import { formatAge } from './format';

const CONNECTION_LABELS: Record<ConnectionStatus['state'], string> = {
  connecting: 'connecting…',
  connected: 'live',
  disconnected: 'disconnected',
};

export class TopBar {
  readonly element: HTMLElement;
  private readonly connection: HTMLElement;
  private readonly endpoint: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly notice: HTMLElement;

  constructor() {
    this.connection = h('span', { class: 'connection', role: 'status' });
    this.endpoint = h('code', { class: 'endpoint' });
    this.meta = h('span', { class: 'meta' });
    this.notice = h('p', { class: 'notice' });
    this.element = h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'topbar-line' }, h('h1', {}, 'vLLM Pools'), this.connection, this.endpoint, this.meta),
      this.notice,
    );
  }

  update(state: StateSnapshot | null, connection: ConnectionStatus): void {
    setText(this.connection, CONNECTION_LABELS[connection.state]);
    setAttr(this.connection, 'title', connection.detail);
    for (const key of Object.keys(CONNECTION_LABELS)) setClass(this.connection, key, connection.state === key);
    setText(this.endpoint, state?.endpoint ?? '');
    setHidden(this.endpoint, !state);
    setText(this.meta, state ? `v${state.version} · up ${formatAge(state.now - state.startedAt)}` : '');

    let notice = '';
    if (connection.state === 'disconnected') {
      notice = `Not connected to the sidecar${connection.detail ? `: ${connection.detail}` : ''}.${state ? ' Figures below are from the last snapshot.' : ''}`;
    } else if (!state) {
      notice = 'Waiting for the sidecar’s first snapshot…';
    }
    setText(this.notice, notice);
    setHidden(this.notice, notice === '');
  }
}
