// One simulated vLLM replica: an engine behind an HTTP server, with faults, stop and restart for tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Clock, realClock } from './clock';
import { Engine } from './engine/engine';
import { type Fault, type FaultKind, faultDuration, parseFault } from './faults';
import type { SimProfile } from './profiles';
import type { ReplicaCounters, ServeContext } from './wire/context';
import { createRequestHandler } from './wire/server';

export interface SimReplicaOptions {
  name: string;
  host: string;
  /** 0 picks a free port (kept across restarts). */
  port: number;
  profile: SimProfile;
  /** Served model name; defaults to the profile's. */
  model?: string;
  timeScale?: number;
  seed?: number;
  apiKey?: string;
  /** Like `vllm serve --enable-prompt-tokens-details`. */
  promptTokensDetails?: boolean;
  clock?: Clock;
}

/** A fault as tests write it: the contract's JSON form (`{"kind":"slow","factor":5}`) or just a kind. */
/** `durationMs` (optional) clears the fault after that long, so a CLI user can end a `refuse`. */
export type FaultInput =
  | FaultKind
  | { kind: FaultKind; status?: number; factor?: number; afterChunks?: number; durationMs?: number };

export interface SimReplicaStats extends ReplicaCounters {
  running: number;
  waiting: number;
  inFlight: number;
  kvCacheUsage: number;
}

export class SimReplica implements ServeContext {
  readonly name: string;
  readonly host: string;
  readonly profile: SimProfile;
  readonly model: string;
  readonly seed: number;
  readonly apiKey: string | undefined;
  readonly promptTokensDetails: boolean;
  readonly counters: ReplicaCounters = { received: 0, aborted: 0, completed: 0 };
  startedUnix = Math.floor(Date.now() / 1000);
  engine: Engine;
  fault: Fault = { kind: 'none' };
  private portNumber: number;
  private server: Server | undefined;
  private readonly servers = new Set<Server>();
  private readonly sockets = new Set<Socket>();
  private readonly clock: Clock;
  private readonly timeScale: number;
  private isStopped = false;
  private faultTimer: NodeJS.Timeout | undefined;

  private constructor(options: SimReplicaOptions) {
    this.name = options.name;
    this.host = options.host;
    this.portNumber = options.port;
    this.profile = options.profile;
    this.model = options.model ?? options.profile.model;
    this.seed = options.seed ?? 0;
    this.apiKey = options.apiKey;
    this.promptTokensDetails = options.promptTokensDetails ?? false;
    this.clock = options.clock ?? realClock();
    this.timeScale = options.timeScale ?? 1;
    this.engine = this.newEngine();
  }

  static async start(options: SimReplicaOptions): Promise<SimReplica> {
    const replica = new SimReplica(options);
    await replica.listen();
    return replica;
  }

  get port(): number {
    return this.portNumber;
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.portNumber}`;
  }

  get running(): number {
    return this.engine.numRunning;
  }

  get waiting(): number {
    return this.engine.numWaiting;
  }

  /** True between stop() and restart(): connections dropped by the replica itself are not client aborts. */
  get stopped(): boolean {
    return this.isStopped;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  stats(): SimReplicaStats {
    return {
      ...this.counters,
      running: this.engine.numRunning,
      waiting: this.engine.numWaiting,
      inFlight: this.engine.numInFlight,
      kvCacheUsage: this.engine.kvUsage,
    };
  }

  /** Switches a fault on (`none` clears it). Throws on an invalid fault. */
  async setFault(input: FaultInput | Fault): Promise<void> {
    const body = typeof input === 'string' ? { kind: input } : input;
    const fault = parseFault(body);
    if (typeof fault === 'string') throw new Error(`invalid fault: ${fault}`);
    if (this.faultTimer) clearTimeout(this.faultTimer);
    this.faultTimer = undefined;
    const duration = faultDuration(body);
    if (typeof duration === 'number' && fault.kind !== 'none') {
      this.faultTimer = setTimeout(() => {
        this.faultTimer = undefined;
        this.setFault('none').catch(() => {});
      }, duration);
      this.faultTimer.unref();
    }
    this.fault = fault;
    this.engine.slowFactor = fault.kind === 'slow' ? fault.factor : 1;
    if (fault.kind === 'refuse') this.closeListener();
    else if (!this.server && !this.isStopped) await this.listen();
  }

  /** Like a crashed process: the port refuses, every connection drops, in-flight work is lost. */
  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.faultTimer) clearTimeout(this.faultTimer);
    this.faultTimer = undefined;
    this.closeListener();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.engine.close();
    await Promise.all([...this.servers].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  /** Starts again on the same port with an empty engine (cold prefix cache, fresh metrics) and no fault. */
  async restart(): Promise<void> {
    if (!this.isStopped) await this.stop();
    this.isStopped = false;
    this.fault = { kind: 'none' };
    this.engine = this.newEngine();
    this.startedUnix = Math.floor(Date.now() / 1000);
    await this.listen();
  }

  async close(): Promise<void> {
    await this.stop();
  }

  private newEngine(): Engine {
    return new Engine({ profile: this.profile, clock: this.clock, timeScale: this.timeScale });
  }

  private async listen(): Promise<void> {
    const server = createServer(createRequestHandler(this));
    server.keepAliveTimeout = 5000;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('close', () => this.servers.delete(server));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.portNumber = (server.address() as AddressInfo).port;
    this.servers.add(server);
    this.server = server;
  }

  /** Stops accepting connections; idle keep-alive ones are closed, answers in progress finish. */
  private closeListener(): void {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.close();
    server.closeIdleConnections();
  }
}
