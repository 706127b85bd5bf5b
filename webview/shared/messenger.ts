// The one link of a page to its extension host: VS Code's webview API (acquired once per page load, VS Code's rule),
// typed by the page's two message maps in core. Messages from the host go through the map's gate before the page
// sees them; anything else is dropped with a console warning (core/messageGate.ts).
import { messageGate } from '../../core/messageGate';
import type { Schema } from '../../core/schema';

interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeWebviewApi;

export interface Messenger<In, Out> {
  post(message: Out): void;
  /** Calls `receive` with each message from the host that its map accepts. */
  listen(receive: (message: In) => void): void;
  /** What the page saved with saveState before VS Code last rebuilt it (undefined on a first load). */
  loadState(): unknown;
  saveState(state: unknown): void;
}

/**
 * Call once per page load. `hostToPage` checks what comes in; `pageToHost` only types what goes out (the host checks
 * it on arrival).
 */
export function connectToHost<In, Out>(hostToPage: Schema<In>, _pageToHost: Schema<Out>): Messenger<In, Out> {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    listen(receive) {
      const gate = messageGate(hostToPage, receive, (line) => console.warn(line));
      window.addEventListener('message', (event: MessageEvent<unknown>) => gate(event.data));
    },
    loadState: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}
