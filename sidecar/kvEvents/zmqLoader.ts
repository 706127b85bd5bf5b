// Loads the optional `zeromq` package (a native addon) on first use only: a sidecar with no kvEvents replica never
// needs it. The bundles keep it external (build.mjs), and the VS Code extension's package does not carry it.

/** The part of zeromq's Subscriber this sidecar uses. */
export interface ZmqSubscriber {
  connect(endpoint: string): void;
  subscribe(...topics: string[]): void;
  close(): void;
  receive(): Promise<Buffer[]>;
  readonly closed: boolean;
  readonly events: { on(event: string, listener: (data: unknown) => void): void };
}

interface ZmqModule {
  Subscriber: new () => ZmqSubscriber;
}

export const ZMQ_MISSING =
  'kvEvents needs the optional "zeromq" package, which could not be loaded. Install it next to the sidecar ' +
  '(npm install zeromq@6 in the directory that holds dist/sidecar.js, or use the npm-installed CLI); the VS Code ' +
  "extension's bundled sidecar does not include it. Without it, prefix-aware uses its approximate index.";

let loading: Promise<ZmqModule> | undefined;

export function loadZmq(): Promise<ZmqModule> {
  const name = 'zeromq';
  loading ??= (import(name) as Promise<ZmqModule & { default?: ZmqModule }>).then(
    (module) => {
      const zmq = typeof module.Subscriber === 'function' ? module : module.default;
      if (!zmq || typeof zmq.Subscriber !== 'function') throw new Error(ZMQ_MISSING);
      return zmq;
    },
    (error: unknown) => {
      throw new Error(`${ZMQ_MISSING} (${error instanceof Error ? error.message : String(error)})`);
    },
  );
  return loading;
}
