// One simulated vLLM replica: an engine behind an HTTP server, with faults, stop and restart for tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Clock, realClock } from './clock';
import { Engine } from './engine/engine';
import { type Fault, type FaultKind, faultDuration, parseFault } from './faults';
import { KvEventPublisher } from './kvEventPublisher';
import type { SimProfile } from './profiles';
import { type LoraModule, ServedModels } from './servedModels';
import type { ReplicaCounters, ServeContext } from './wire/context';
import { ResponseStore } from './wire/responseStore';
import { createRequestHandler } from './wire/server';

export interface SimReplicaOptions {
  name: string;
  host: string;
  /** 0 picks a free port (kept across restarts). */
  port: number;
  profile: SimProfile;
  /** Served model name; defaults to the profile's. */
  model?: string;
  /** Like --served-model-name: every name the base model answers to (the first is the one answers carry). */
  servedModelNames?: string[];
  /** Like --lora-modules: adapters loaded at start (more can be loaded at run time once LoRA is enabled). */
  loraModules?: LoraModule[];
  /** Like --enable-lora (implied by loraModules or maxLoras): /v1/load_lora_adapter works, metrics show adapters. */
  enableLora?: boolean;
  /** Like --max-loras (default 1): distinct adapters in one batch; others wait, and a swap costs step time. */
  maxLoras?: number;
  timeScale?: number;
  seed?: number;
  apiKey?: string;
  /** Like `vllm serve --enable-prompt-tokens-details`. */
  promptTokensDetails?: boolean;
  /** Like VLLM_ENABLE_RESPONSES_API_STORE=1 (default true here): Responses are kept for GET and previous_response_id. */
  storeResponses?: boolean;
  clock?: Clock;
  /**
   * Like --kv-events-config with publisher zmq: publish KV-cache events on tcp://host:port (0 picks a free port; see
   * `kvEventsEndpoint`). Needs the optional zeromq package.
   */
  kvEventsPort?: number;
  /** The topic of the published events (default ""). */
  kvEventsTopic?: string;
}

/** A fault as tests write it: the contract's JSON form (`{"kind":"slow","factor":5}`) or just a kind. */
/** `durationMs` (optional) clears the fault after that long, so a CLI user can end a `refuse`. */
export type FaultInput =
  | FaultKind
  | {
      kind: FaultKind;
      status?: number;
      factor?: number;
      afterChunks?: number;
      durationMs?: number;
      /** `status` only: Retry-After seconds, retry-after-ms, and how many requests get it before it clears. */
      retryAfter?: number;
      retryAfterMs?: number;
      count?: number;
    };

export interface SimReplicaStats extends ReplicaCounters {
  running: number;
  waiting: number;
  inFlight: number;
  kvCacheUsage: number;
  /** Adapters put into a GPU LoRA slot since start (the simulator's own count; vLLM publishes none). */
  loraSwaps: number;
}

export class SimReplica implements ServeContext {
  readonly name: string;
  readonly host: string;
  readonly profile: SimProfile;
  readonly seed: number;
  readonly apiKey: string | undefined;
  readonly promptTokensDetails: boolean;
  readonly storeResponses: boolean;
  readonly counters: ReplicaCounters = { received: 0, aborted: 0, completed: 0 };
  startedUnix = Math.floor(Date.now() / 1000);
  engine: Engine;
  models: ServedModels;
  responses = new ResponseStore();
  fault: Fault = { kind: 'none' };
  /** Requests a counted `status` fault still answers. */
  private faultRemaining: number | undefined;
  private portNumber: number;
  private server: Server | undefined;
  private readonly servers = new Set<Server>();
  private readonly sockets = new Set<Socket>();
  private readonly clock: Clock;
  private readonly timeScale: number;
  private isStopped = false;
  private faultTimer: NodeJS.Timeout | undefined;
  private readonly options: SimReplicaOptions;
  private kvEvents: KvEventPublisher | undefined;

  private constructor(options: SimReplicaOptions) {
    this.name = options.name;
    this.host = options.host;
    this.portNumber = options.port;
    this.profile = options.profile;
    this.options = options;
    this.models = this.newModels();
    this.seed = options.seed ?? 0;
    this.apiKey = options.apiKey;
    this.promptTokensDetails = options.promptTokensDetails ?? false;
    this.storeResponses = options.storeResponses ?? true;
    this.clock = options.clock ?? realClock();
    this.timeScale = options.timeScale ?? 1;
    this.engine = this.newEngine();
  }

  static async start(options: SimReplicaOptions): Promise<SimReplica> {
    const replica = new SimReplica(options);
    if (options.kvEventsPort !== undefined) {
      replica.kvEvents = await KvEventPublisher.start(
        options.host,
        options.kvEventsPort,
        options.kvEventsTopic ?? '',
        options.profile.blockSize,
      );
      replica.publishEvents();
    }
    await replica.listen();
    return replica;
  }

  /** The first served name: the `model` of answers and the `model_name` label of metrics. */
  get model(): string {
    return this.models.primary;
  }

  /** The ZMQ endpoint KV events are published on (tcp://host:port), when they are. */
  get kvEventsEndpoint(): string | undefined {
    return this.kvEvents?.endpoint;
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
      loraSwaps: this.engine.stats.loraSwaps,
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
    this.faultRemaining = fault.kind === 'status' ? fault.count : undefined;
    this.engine.slowFactor = fault.kind === 'slow' ? fault.factor : 1;
    if (fault.kind === 'refuse') this.closeListener();
    else if (!this.server && !this.isStopped) await this.listen();
  }

  /** A request was answered by a counted `status` fault: the last one clears it. */
  faultAnswered(): void {
    if (this.faultRemaining === undefined) return;
    this.faultRemaining--;
    if (this.faultRemaining <= 0) this.setFault('none').catch(() => {});
  }

  /** The fault in force, with what a counted one has left. */
  faultState(): Fault & { remaining?: number } {
    return this.faultRemaining === undefined ? this.fault : { ...this.fault, remaining: this.faultRemaining };
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
    this.faultRemaining = undefined;
    this.engine = this.newEngine();
    this.kvEvents?.restart();
    this.publishEvents();
    // Like a restarted server: adapters loaded at run time and stored responses are gone.
    this.models = this.newModels();
    this.responses = new ResponseStore();
    this.startedUnix = Math.floor(Date.now() / 1000);
    await this.listen();
  }

  async close(): Promise<void> {
    await this.stop();
    this.kvEvents?.close();
    this.kvEvents = undefined;
  }

  private publishEvents(): void {
    const publisher = this.kvEvents;
    if (publisher) this.engine.kv.onEvent = (event) => publisher.record(event);
  }

  private newEngine(): Engine {
    return new Engine({
      profile: this.profile,
      clock: this.clock,
      timeScale: this.timeScale,
      maxLoras: this.options.maxLoras ?? 1,
    });
  }

  private newModels(): ServedModels {
    const options = this.options;
    const root = options.model ?? options.profile.model;
    return new ServedModels({
      names: options.servedModelNames && options.servedModelNames.length > 0 ? options.servedModelNames : [root],
      root,
      ...(options.enableLora !== undefined ? { enableLora: options.enableLora } : {}),
      ...(options.loraModules ? { loras: options.loraModules } : {}),
      ...(options.maxLoras !== undefined ? { maxLoras: options.maxLoras } : {}),
    });
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
