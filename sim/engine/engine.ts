// One replica's engine: continuous batching in steps, as vLLM V1 schedules them (reference vllm.md §4.1, §4.3).
// Each step takes running requests first (a decode is 1 token, an unfinished prefill a chunk of the token budget),
// then admits waiting ones while sequences, budget and KV blocks allow; KV exhaustion preempts the last admitted.
// The step lasts t0 + a·prefill + b·decodes + c·decode context + d·prefill attention, so a long prefill stretches
// every stream's inter-token gap. A single timer drives the loop; the clock is injected.
import type { Clock, TimerHandle } from '../clock';
import type { SimProfile } from '../profiles';
import { blockHashes, KvCache } from './kvCache';
import { EngineStats, type FinishedReason } from './stats';

export interface EngineRequestSpec {
  promptTokens: readonly number[];
  /** Tokens to generate; 0 means prefill only (embeddings). */
  outputLength: number;
  /** Reported when the last of `outputLength` tokens is out. */
  finishReason: 'stop' | 'length';
  cacheSalt?: string;
  /** The LoRA adapter the request runs with, if any (at most `maxLoras` distinct adapters per batch). */
  lora?: string;
}

export interface EngineListener {
  /** Output token `index` (from 0) was produced at the end of a step. */
  onToken(index: number): void;
  /** The request left the engine (not called after `abort()`). */
  onFinish(reason: FinishedReason): void;
}

export interface EngineRequestHandle {
  abort(): void;
  /** Prompt tokens served from the prefix cache at first admission (known once the request runs). */
  readonly cachedTokens: number;
}

type Phase = 'pending' | 'waiting' | 'running' | 'done';

class Request implements EngineRequestHandle {
  phase: Phase = 'pending';
  numComputed = 0;
  numGenerated = 0;
  registeredBlocks = 0;
  blocks: number[] = [];
  lastTokenAt = 0;
  cachedTokens = 0;
  admitted = false;
  timer: TimerHandle | undefined;

  constructor(
    readonly spec: EngineRequestSpec,
    readonly listener: EngineListener,
    readonly hashes: number[],
    readonly arrival: number,
    readonly abort: () => void,
  ) {}

  /** Tokens whose KV the request needs: the prompt and every output token so far. */
  get known(): number {
    return this.spec.promptTokens.length + this.numGenerated;
  }
}

interface Scheduled {
  request: Request;
  tokens: number;
  contextBefore: number;
}

export interface EngineOptions {
  profile: SimProfile;
  clock: Clock;
  /** Multiplies every modelled delay (0.1 = ten times faster). */
  timeScale?: number;
  /** --max-loras: distinct adapters one batch may hold (vLLM's default 1). */
  maxLoras?: number;
}

/** Modelled duration of one step, ms, for the scheduled work (reference §4.3). */
export function stepDurationMs(profile: SimProfile, batch: readonly Scheduled[]): number {
  const c = profile.step;
  let prefillTokens = 0;
  let decodes = 0;
  let decodeContext = 0;
  let attentionPairs = 0;
  for (const { request, tokens, contextBefore } of batch) {
    if (request.numGenerated > 0 && tokens === 1 && contextBefore === request.known - 1) {
      decodes++;
      decodeContext += contextBefore + 1;
    } else {
      prefillTokens += tokens;
      attentionPairs += tokens * (contextBefore + tokens / 2);
    }
  }
  return (
    c.t0Ms +
    c.prefillMsPerToken * prefillTokens +
    c.decodeMsPerSeq * decodes +
    c.decodeMsPerContextToken * decodeContext +
    c.attentionMsPerTokenPair * attentionPairs
  );
}

/** How far (ms) the loop may run behind the clock before it stops catching up and restarts from now. */
const MAX_LAG_MS = 50;

export class Engine {
  readonly stats = new EngineStats();
  readonly kv: KvCache;
  /** Extra delay factor (the `slow` fault). */
  slowFactor = 1;
  private readonly profile: SimProfile;
  private readonly clock: Clock;
  private readonly timeScale: number;
  private readonly pending = new Set<Request>();
  private readonly waiting: Request[] = [];
  private readonly running: Request[] = [];
  private current: { timer: TimerHandle; endAt: number; batch: Scheduled[] } | undefined;
  private closed = false;
  private readonly maxLoras: number;
  /** Adapters in the GPU's LoRA slots, least recently used first. */
  private readonly gpuLoras: string[] = [];

  constructor(options: EngineOptions) {
    this.profile = options.profile;
    this.clock = options.clock;
    this.timeScale = options.timeScale ?? 1;
    this.maxLoras = options.maxLoras ?? 1;
    this.kv = new KvCache(this.profile.numGpuBlocks, this.profile.blockSize);
  }

  get numRunning(): number {
    return this.running.length;
  }

  get numWaiting(): number {
    return this.waiting.length;
  }

  /** Requests accepted and not finished: in the API server, waiting or running. */
  get numInFlight(): number {
    return this.pending.size + this.waiting.length + this.running.length;
  }

  get kvUsage(): number {
    return this.kv.usage;
  }

  /** Distinct adapters of running and of waiting requests (the labels of vllm:lora_requests_info). */
  loraAdapters(): { running: string[]; waiting: string[] } {
    const names = (list: Request[]) => [...new Set(list.map((r) => r.spec.lora).filter((l): l is string => !!l))];
    return { running: names(this.running), waiting: names(this.waiting) };
  }

  /** Wall-clock delay for a modelled duration. */
  scaled(modelMs: number): number {
    return modelMs * this.timeScale * this.slowFactor;
  }

  submit(spec: EngineRequestSpec, listener: EngineListener): EngineRequestHandle {
    if (this.closed) throw new Error('engine is closed');
    const blocksNeeded = Math.ceil((spec.promptTokens.length + spec.outputLength) / this.profile.blockSize);
    if (blocksNeeded > this.kv.numBlocks) {
      throw new Error(`request needs ${blocksNeeded} KV blocks; the cache has ${this.kv.numBlocks}`);
    }
    // vLLM keys cached blocks by adapter too: two adapters never share a prefix.
    const salt = spec.lora ? `${spec.lora}\u0000${spec.cacheSalt ?? ''}` : spec.cacheSalt;
    const hashes = blockHashes(spec.promptTokens, this.profile.blockSize, salt);
    const request: Request = new Request(spec, listener, hashes, this.clock.now(), () => this.abort(request));
    this.pending.add(request);
    request.timer = this.clock.setTimer(() => {
      request.timer = undefined;
      this.pending.delete(request);
      request.phase = 'waiting';
      this.waiting.push(request);
      this.kick();
    }, this.scaled(this.profile.apiOverheadMs));
    return request;
  }

  /** Stops the loop and drops every request without calling listeners. */
  close(): void {
    this.closed = true;
    if (this.current) this.clock.clearTimer(this.current.timer);
    this.current = undefined;
    for (const request of [...this.pending, ...this.waiting, ...this.running]) this.abort(request);
  }

  private abort(request: Request): void {
    if (request.phase === 'done') return;
    if (request.timer) this.clock.clearTimer(request.timer);
    this.pending.delete(request);
    this.removeFrom(this.waiting, request);
    this.removeFrom(this.running, request);
    this.kv.free(request.blocks);
    request.blocks = [];
    request.phase = 'done';
    this.stats.finished.abort++;
    this.kick();
  }

  private kick(): void {
    if (this.current || this.closed) return;
    this.startStep(this.clock.now());
  }

  private startStep(virtualStart: number): void {
    const batch = this.schedule();
    if (batch.length === 0) return;
    const swaps = this.swapLoras(batch);
    this.stats.loraSwaps += swaps;
    const swapMs = swaps * (this.profile.loraSwapMs ?? 0);
    const endAt = virtualStart + this.scaled(stepDurationMs(this.profile, batch) + swapMs);
    const timer = this.clock.setTimer(() => this.endStep(), endAt - this.clock.now());
    this.current = { timer, endAt, batch };
  }

  /** Puts the batch's adapters in GPU slots (evicting the least recently used); returns how many had to be loaded. */
  private swapLoras(batch: readonly Scheduled[]): number {
    let swaps = 0;
    for (const { request } of batch) {
      const lora = request.spec.lora;
      if (!lora) continue;
      const at = this.gpuLoras.indexOf(lora);
      if (at >= 0) this.gpuLoras.splice(at, 1);
      else swaps++;
      this.gpuLoras.push(lora);
      if (this.gpuLoras.length > this.maxLoras) this.gpuLoras.shift();
    }
    return swaps;
  }

  private endStep(): void {
    const step = this.current;
    if (!step) return;
    this.current = undefined;
    this.stats.steps++;
    const now = this.clock.now();
    for (const item of step.batch) this.apply(item, now);
    if (!this.closed) this.startStep(Math.max(step.endAt, now - MAX_LAG_MS));
  }

  private apply({ request, tokens }: Scheduled, now: number): void {
    if (request.phase !== 'running') return;
    request.numComputed += tokens;
    this.registerFullBlocks(request);
    if (request.numComputed < request.known) return;
    const { spec } = request;
    if (spec.outputLength === 0) {
      this.stats.promptTokens += spec.promptTokens.length;
      this.finish(request, 'stop', now);
      return;
    }
    const index = request.numGenerated++;
    if (index === 0) {
      this.stats.ttft.observe((now - request.arrival) / 1000);
      this.stats.promptTokens += spec.promptTokens.length;
    } else {
      this.stats.interTokenLatency.observe((now - request.lastTokenAt) / 1000);
    }
    request.lastTokenAt = now;
    this.stats.generationTokens++;
    request.listener.onToken(index);
    if (request.phase === 'running' && request.numGenerated >= spec.outputLength) {
      this.finish(request, spec.finishReason, now);
    }
  }

  private finish(request: Request, reason: FinishedReason, now: number): void {
    this.removeFrom(this.running, request);
    this.kv.free(request.blocks);
    request.blocks = [];
    request.phase = 'done';
    this.stats.finished[reason]++;
    this.stats.e2eLatency.observe((now - request.arrival) / 1000);
    request.listener.onFinish(reason);
  }

  private registerFullBlocks(request: Request): void {
    const full = Math.min(Math.floor(request.numComputed / this.profile.blockSize), request.hashes.length);
    const bs = this.profile.blockSize;
    for (let i = request.registeredBlocks; i < full; i++) {
      const tokens = this.kv.onEvent ? request.spec.promptTokens.slice(i * bs, (i + 1) * bs) : undefined;
      this.kv.register(request.blocks[i]!, request.hashes[i]!, i > 0 ? request.hashes[i - 1] : undefined, tokens);
    }
    request.registeredBlocks = Math.max(request.registeredBlocks, full);
  }

  private schedule(): Scheduled[] {
    const batch: Scheduled[] = [];
    let budget = this.profile.maxNumBatchedTokens;
    let preempted = false;
    for (let i = 0; i < this.running.length && budget > 0; i++) {
      const request = this.running[i]!;
      const tokens = Math.min(request.known - request.numComputed, budget);
      if (tokens <= 0) continue;
      while (!this.ensureBlocks(request, request.numComputed + tokens)) {
        const victim = this.running[this.running.length - 1]!;
        this.preempt(victim);
        preempted = true;
        if (victim === request) break;
      }
      if (request.phase !== 'running') break;
      batch.push({ request, tokens, contextBefore: request.numComputed });
      budget -= tokens;
    }
    if (preempted) return batch;
    const bs = this.profile.blockSize;
    // Adapters of the batch so far: a waiting request with another adapter is skipped (stays waiting, keeps its
    // place) once the batch holds maxLoras of them, as vLLM's scheduler does.
    const loras = new Set<string>();
    for (const request of this.running) if (request.spec.lora) loras.add(request.spec.lora);
    let next = 0;
    while (next < this.waiting.length && this.running.length < this.profile.maxNumSeqs && budget > 0) {
      const request = this.waiting[next]!;
      const lora = request.spec.lora;
      if (lora && !loras.has(lora) && loras.size >= this.maxLoras) {
        next++;
        continue;
      }
      const hitBlocks = this.kv.lookup(request.hashes, Math.floor((request.known - 1) / bs));
      const cached = this.kv.touch(request.hashes, hitBlocks);
      const computed = hitBlocks * bs;
      const tokens = Math.min(request.known - computed, budget);
      const fresh = this.kv.allocate(Math.max(0, Math.ceil((computed + tokens) / bs) - hitBlocks));
      if (!fresh) {
        this.kv.free(cached);
        break;
      }
      this.waiting.splice(next, 1);
      if (lora) loras.add(lora);
      this.stats.prefixCacheQueries += request.known;
      this.stats.prefixCacheHits += computed;
      if (!request.admitted) request.cachedTokens = computed;
      request.admitted = true;
      request.phase = 'running';
      request.blocks = cached.concat(fresh);
      request.registeredBlocks = hitBlocks;
      request.numComputed = computed;
      this.running.push(request);
      batch.push({ request, tokens, contextBefore: computed });
      budget -= tokens;
    }
    return batch;
  }

  private ensureBlocks(request: Request, tokens: number): boolean {
    const need = Math.ceil(tokens / this.profile.blockSize) - request.blocks.length;
    if (need <= 0) return true;
    const blocks = this.kv.allocate(need);
    if (!blocks) return false;
    for (const block of blocks) request.blocks.push(block);
    return true;
  }

  /** Frees the request's blocks (full ones stay cached) and sends it back to the head of the queue. */
  private preempt(request: Request): void {
    this.removeFrom(this.running, request);
    this.kv.free(request.blocks);
    request.blocks = [];
    request.numComputed = 0;
    request.registeredBlocks = 0;
    request.phase = 'waiting';
    this.waiting.unshift(request);
    this.stats.preemptions++;
  }

  private removeFrom(list: Request[], request: Request): void {
    const index = list.indexOf(request);
    if (index >= 0) list.splice(index, 1);
  }
}
