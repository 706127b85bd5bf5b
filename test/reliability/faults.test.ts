// Fault matrix under load: each simulator fault is switched on for one replica (or all) while workers keep streaming
// through the sidecar. For each fault: the share of requests that succeeded, every failure classified (a stream cut
// after its head must end with the SSE error event and [DONE]; nothing may hang), the time to eject and to recover
// against the configured checks, and in-flight counts back to zero. The table goes to RELIABILITY.md.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { loadConfigFile } from '../../core/config/load';
import { formatIssue } from '../../core/config/types';
import { createLogger } from '../../sidecar/log';
import { type RunningSidecar, startSidecar } from '../../sidecar/sidecar';
import { type SimFleet, startSimFleet } from '../../sim/fleet';
import { chatBody, SOAK, waitFor } from './harness';
import { recordSection } from './results';

const WORKERS = SOAK ? 48 : 16;
const FAULT_WINDOW_MS = SOAK ? 10_000 : 2500;
const CLIENT_DEADLINE_MS = 12_000;
/** The checks the sidecar runs (asserted against below). */
const CHECKS = {
  interval: 250,
  timeout: 500,
  rise: 2,
  fall: 2,
  maxFails: 3,
  failTimeout: 2000,
  firstByte: 1500,
  idle: 1500,
};

let dir: string;
let fleet: SimFleet;
let sidecar: RunningSidecar;
const agent = new Agent({ connections: 256, headersTimeout: 0, bodyTimeout: 0 });
const logLines: string[] = [];

before(async () => {
  fleet = await startSimFleet({ replicas: 3, profile: 'fast', timeScale: 4, seed: 3 });
  dir = mkdtempSync(join(tmpdir(), 'vllm-pools-faults-'));
  const configPath = join(dir, 'vllm-pools.yaml');
  writeFileSync(
    configPath,
    `algorithm: least-connections
engineMetrics: { interval: 500ms }
shutdownGrace: 2s
pools:
  - name: main
    healthCheck: { interval: ${CHECKS.interval}ms, timeout: ${CHECKS.timeout}ms, rise: ${CHECKS.rise}, fall: ${CHECKS.fall} }
    maxFails: ${CHECKS.maxFails}
    failTimeout: ${CHECKS.failTimeout}ms
    timeouts: { connect: 500ms, firstByte: ${CHECKS.firstByte}ms, idle: ${CHECKS.idle}ms }
    retries: 2
    replicas:
${fleet.urls.map((url, i) => `      - { url: "${url}", name: sim-${i} }`).join('\n')}
`,
  );
  const loaded = loadConfigFile(configPath, {});
  if (!loaded.config) throw new Error(loaded.issues.map(formatIssue).join('\n'));
  sidecar = await startSidecar({
    config: loaded.config,
    configPath,
    port: 0,
    env: {},
    logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
  });
});

after(async () => {
  await sidecar?.close(500);
  await fleet?.close();
  await agent.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Outcome = 'ok' | 'cut-with-error-event' | 'refused-clear' | `status-${number}` | 'hung' | 'broken';

interface Sample {
  startedAt: number;
  outcome: Outcome;
}

async function oneRequest(base: string, n: number): Promise<Outcome> {
  const signal = AbortSignal.timeout(CLIENT_DEADLINE_MS);
  try {
    const res = await request(`${base}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      signal,
      headers: { 'content-type': 'application/json' },
      body: chatBody(`fault matrix request ${n % 50}`, 24),
    });
    const text = await res.body.text();
    if (res.statusCode === 200) {
      if (!text.endsWith('data: [DONE]\n\n')) return 'broken';
      if (text.includes('"type":"upstream_error"')) return 'cut-with-error-event';
      return text.includes('"error"') ? 'broken' : 'ok';
    }
    if ([502, 503, 504].includes(res.statusCode)) {
      const body = JSON.parse(text) as { error?: { message?: string } };
      const clear = typeof body.error?.message === 'string';
      if (res.statusCode === 503 && !res.headers['retry-after']) return 'broken';
      return clear ? 'refused-clear' : 'broken';
    }
    return `status-${res.statusCode}`;
  } catch (error) {
    return (error as Error).name === 'TimeoutError' || signal.aborted ? 'hung' : 'broken';
  }
}

/** Workers loop until stopped; every request is timestamped at its start. */
function startLoad(base: string): { stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  let running = true;
  let n = 0;
  const workers = Array.from({ length: WORKERS }, async () => {
    while (running) {
      const startedAt = Date.now();
      const outcome = await oneRequest(base, n++);
      samples.push({ startedAt, outcome });
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return samples;
    },
  };
}

function replicaState(name: string): string {
  const replica = sidecar.state().pools[0]?.replicas.find((r) => r.name === name);
  return replica?.state ?? 'missing';
}

/** Polls the replica's state in the background: first time unhealthy after `since`, first time healthy after `since`. */
function watch(name: string): {
  unhealthyAt(since: number): number | null;
  healthyAt(since: number): number | null;
  stop(): void;
} {
  const changes: { at: number; state: string }[] = [];
  let last = '';
  const timer = setInterval(() => {
    const state = replicaState(name);
    if (state !== last) {
      changes.push({ at: Date.now(), state });
      last = state;
    }
  }, 5);
  const first = (state: string, since: number) => changes.find((c) => c.at >= since && c.state === state)?.at ?? null;
  return {
    unhealthyAt: (since) => first('unhealthy', since),
    healthyAt: (since) => first('healthy', since),
    stop: () => clearInterval(timer),
  };
}

interface Scenario {
  name: string;
  /** Replica watched for eject/recover (index). */
  watched: number;
  inject(): Promise<void>;
  clear(): Promise<void>;
  /** Is a healthy replica left while the fault is on? (then every request that had not started streaming must pass) */
  healthyLeft: boolean;
  expectEject: boolean;
  /** Outcomes that are a correct answer to this fault besides ok and cut-with-error-event. */
  allowed: Outcome[];
  /** The configured bound the eject time is compared with. */
  ejectBy: string;
}

const r = (i: number) => fleet.replicas[i]!;
const activeBound = `active: fall ${CHECKS.fall} × ${CHECKS.interval} ms (+ timeout ${CHECKS.timeout} ms)`;
const passiveBound = `passive: ${CHECKS.maxFails} failures`;

const scenarios = (): Scenario[] => [
  {
    name: 'refuses connections',
    watched: 0,
    inject: () => r(0).setFault('refuse'),
    clear: () => r(0).setFault('none'),
    healthyLeft: true,
    expectEject: true,
    allowed: [],
    ejectBy: `${activeBound} or ${passiveBound}`,
  },
  {
    name: 'hangs before the response head',
    watched: 0,
    inject: () => r(0).setFault('hang'),
    clear: () => r(0).setFault('none'),
    healthyLeft: true,
    expectEject: true,
    allowed: [],
    ejectBy: `${activeBound}; requests: first-byte ${CHECKS.firstByte} ms then retry`,
  },
  {
    name: 'hangs mid-stream',
    watched: 0,
    // The engine stops stepping: heads are out, tokens stop. A restart clears it (a fresh engine).
    inject: () => r(0).setFault({ kind: 'slow', factor: 1e6 }),
    clear: async () => {
      await r(0).restart();
    },
    healthyLeft: true,
    expectEject: true,
    allowed: [],
    ejectBy: `${passiveBound} (idle ${CHECKS.idle} ms each; /health still answers)`,
  },
  {
    name: 'slows ×10',
    watched: 0,
    inject: () => r(0).setFault({ kind: 'slow', factor: 10 }),
    clear: () => r(0).setFault('none'),
    healthyLeft: true,
    expectEject: false,
    allowed: [],
    ejectBy: 'not ejected (slow is not failed)',
  },
  {
    name: 'answers 503',
    watched: 0,
    inject: () => r(0).setFault({ kind: 'status', status: 503 }),
    clear: () => r(0).setFault('none'),
    healthyLeft: true,
    expectEject: true,
    allowed: [],
    ejectBy: `${passiveBound} (retried, /health still answers)`,
  },
  {
    name: 'answers 500',
    watched: 0,
    inject: () => r(0).setFault({ kind: 'status', status: 500 }),
    clear: () => r(0).setFault('none'),
    healthyLeft: true,
    expectEject: true,
    // The contract retries 502/503/504 only: a 500 may be the request's own fault, so it reaches the client.
    allowed: ['status-500'],
    ejectBy: `${passiveBound} (500 not retried; /health still answers)`,
  },
  {
    name: 'resets after 3 chunks',
    watched: 0,
    inject: () => r(0).setFault({ kind: 'reset-mid-stream', afterChunks: 3 }),
    clear: () => r(0).setFault('none'),
    healthyLeft: true,
    expectEject: true,
    allowed: [],
    ejectBy: `${passiveBound} (mid-stream resets)`,
  },
  {
    name: 'restarts (down 1.5 s)',
    watched: 0,
    inject: () => r(0).stop(),
    clear: () => r(0).restart(),
    healthyLeft: true,
    expectEject: true,
    allowed: [],
    ejectBy: `${activeBound} or ${passiveBound}`,
  },
  {
    name: 'all replicas down, then one back',
    watched: 1,
    inject: async () => {
      await Promise.all(fleet.replicas.map((replica) => replica.stop()));
    },
    clear: () => r(1).restart(),
    healthyLeft: false,
    expectEject: true,
    allowed: ['refused-clear'],
    ejectBy: `${activeBound} or ${passiveBound}`,
  },
];

interface Row {
  fault: string;
  requests: number;
  succeeded: number;
  successShare: string;
  outcomes: Record<string, number>;
  violations: number;
  ejectMs: number | null;
  recoverMs: number | null;
  ejectBy: string;
  recoverBy: string;
  inflightAfter: number;
}

const rows: Row[] = [];

async function reset(): Promise<void> {
  for (const replica of fleet.replicas) {
    if (replica.stopped) await replica.restart();
    else if (replica.fault.kind !== 'none') await replica.setFault('none');
  }
  await waitFor(
    () => (sidecar.state().pools[0]?.replicas ?? []).every((replica) => replica.state === 'healthy'),
    15_000,
    'all replicas healthy again',
  );
}

test('fault matrix under load', { timeout: SOAK ? 600_000 : 180_000 }, async () => {
  await reset();
  for (const scenario of scenarios()) {
    await reset();
    const name = `sim-${scenario.watched}`;
    const watcher = watch(name);
    const load = startLoad(sidecar.url);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const injectedAt = Date.now();
    await scenario.inject();
    await new Promise((resolve) => setTimeout(resolve, scenario.name.startsWith('restarts') ? 1500 : FAULT_WINDOW_MS));
    const clearedAt = Date.now();
    await scenario.clear();
    const recovered = await waitFor(() => replicaState(name) === 'healthy', 15_000, `${name} healthy`).then(
      () => true,
      () => false,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const samples = await load.stop();
    watcher.stop();
    await waitFor(() => sidecar.inflight() === 0, 10_000, 'in-flight 0').catch(() => undefined);
    const inflightAfter = (sidecar.state().pools[0]?.replicas ?? []).reduce((s, x) => s + x.inflight, 0);

    const outcomes: Record<string, number> = {};
    for (const sample of samples) outcomes[sample.outcome] = (outcomes[sample.outcome] ?? 0) + 1;
    const allowed = new Set<Outcome>(['ok', 'cut-with-error-event', ...scenario.allowed]);
    // While no healthy replica is left, clear refusals are the right answer; before and after, not.
    const violations = samples.filter((s) => !allowed.has(s.outcome)).length;
    const ejectAt = watcher.unhealthyAt(injectedAt);
    const healthyAt = watcher.healthyAt(clearedAt);
    const row: Row = {
      fault: scenario.name,
      requests: samples.length,
      succeeded: outcomes['ok'] ?? 0,
      successShare: `${(((outcomes['ok'] ?? 0) * 100) / Math.max(1, samples.length)).toFixed(1)}%`,
      outcomes,
      violations,
      ejectMs: ejectAt === null ? null : ejectAt - injectedAt,
      recoverMs: healthyAt === null ? null : healthyAt - clearedAt,
      ejectBy: scenario.ejectBy,
      recoverBy: `rise ${CHECKS.rise} × ${CHECKS.interval} ms after the fault clears`,
      inflightAfter,
    };
    rows.push(row);
    console.log(`fault row: ${JSON.stringify(row)}`);
    assert.ok(recovered, `${scenario.name}: ${name} healthy again after the fault cleared`);
    if (scenario.expectEject) assert.notEqual(row.ejectMs, null, `${scenario.name}: ejected`);
    else assert.equal(row.ejectMs, null, `${scenario.name}: not ejected`);
    assert.equal(outcomes['hung'] ?? 0, 0, `${scenario.name}: no request hung`);
    assert.equal(violations, 0, `${scenario.name}: ${JSON.stringify(outcomes)}`);
    assert.equal(inflightAfter, 0, `${scenario.name}: in-flight back to 0`);
    assert.ok(samples.length > WORKERS, `${scenario.name}: load ran`);
  }
  recordSection('faults', { workers: WORKERS, faultWindowMs: FAULT_WINDOW_MS, checks: CHECKS, rows });
  const secrets = logLines.filter((line) => /sk-|Bearer /.test(line));
  assert.deepEqual(secrets, []);
});
