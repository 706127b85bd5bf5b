// The config editor page: receives the form model from the host, renders it, posts edits back.
import type { HostToPage, PageToHost } from '../../core/configEditor/messages';
import { FormView } from './formView';

interface VsCodeApi {
  postMessage(message: PageToHost): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app');
if (root) {
  const view = new FormView(root, (message) => vscode.postMessage(message));
  window.addEventListener('message', (event: MessageEvent<HostToPage>) => {
    const message = event.data;
    switch (message.type) {
      case 'model':
        view.setModel(message.model, message.fileName);
        break;
      case 'live':
        view.setLive(message.replicas, message.port);
        break;
      case 'editFailed':
        view.showNotice(message.message);
        break;
      case 'configNotApplied':
        view.showNotice(`Saved, but the running sidecar keeps its previous config: ${message.message}`);
        break;
      case 'testResult':
        view.setTestResult(message.pool, message.replica, {
          pending: false,
          ok: message.ok,
          message: message.message,
        });
        break;
    }
  });
  view.render();
  vscode.postMessage({ type: 'ready' });
}
