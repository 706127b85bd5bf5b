// The latest state snapshot and the finished-request events of the running sidecar, from /admin/events.
// The tree, the status bar and the dashboard listen here; nobody polls.
import * as vscode from 'vscode';
import type { RequestEvent, StateSnapshot } from '../core/protocol';
import { type AdminConnection, type EventStream, watchAdminEvents } from './sidecarClient';

export class LiveState implements vscode.Disposable {
  private stream: EventStream | undefined;
  private followed: AdminConnection | undefined;
  private readonly snapshotEmitter = new vscode.EventEmitter<StateSnapshot | undefined>();
  private readonly requestEmitter = new vscode.EventEmitter<RequestEvent>();

  readonly onDidChangeSnapshot = this.snapshotEmitter.event;
  readonly onDidFinishRequest = this.requestEmitter.event;
  snapshot: StateSnapshot | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Follows the events of this sidecar (undefined: none; the snapshot is cleared). */
  follow(connection: AdminConnection | undefined): void {
    if (connection?.baseUrl === this.followed?.baseUrl && connection?.token === this.followed?.token) return;
    this.stream?.close();
    this.stream = undefined;
    this.followed = connection;
    if (!connection) {
      this.publish(undefined);
      return;
    }
    this.stream = watchAdminEvents(connection, {
      onState: (snapshot) => this.publish(snapshot),
      onRequest: (event) => this.requestEmitter.fire(event),
      onConnected: () => this.log.debug('following /admin/events'),
      onDisconnected: (reason, retryIn) => this.log.debug(`/admin/events: ${reason}; retrying in ${retryIn} ms`),
    });
  }

  dispose(): void {
    this.stream?.close();
    this.snapshotEmitter.dispose();
    this.requestEmitter.dispose();
  }

  private publish(snapshot: StateSnapshot | undefined): void {
    this.snapshot = snapshot;
    this.snapshotEmitter.fire(snapshot);
  }
}
