// The one handle on VS Code's webview API, typed with the dashboard's protocol.
import type { PageToHostMessage } from '../../core/dashboard/messages';

interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeWebviewApi;

export interface DashboardHost {
  post(message: PageToHostMessage): void;
  loadState(): unknown;
  saveState(state: unknown): void;
}

/** May be called once per page load (VS Code's rule), so main.ts calls it and passes the result around. */
export function connectToHost(): DashboardHost {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    loadState: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}
