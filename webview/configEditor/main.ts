// The config editor page: receives the form model from the host, renders it, posts edits back.
import { HOST_TO_PAGE, type HostToPage, PAGE_TO_HOST } from '../../core/configEditor/messages';
import { connectToHost } from '../shared/messenger';
import { FormView } from './formView';

const root = document.getElementById('app');
if (root) {
  const host = connectToHost(HOST_TO_PAGE, PAGE_TO_HOST);
  const view = new FormView(root, (message) => host.post(message));
  host.listen((message: HostToPage) => {
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
  host.post({ type: 'ready' });
}
