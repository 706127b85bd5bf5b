// BENCHMARKS.md and its charts from one run's results. Every figure in the text is computed here from the results.
import { renderAgentic } from './agenticReport';
import { renderFairness } from './fairnessReport';
import { renderModelled } from './modelledReport';
import type { ProxyCostResult } from './proxyCost';
import { renderProxyTargets } from './proxyTargets';
import type { RoutingResult } from './routing';
import type { BenchResults } from './runBench';
import { barChart, lineChart, type Series } from './svg';
import { sizing, WORKLOAD_NAMES } from './workloads';

export interface Report {
  markdown: string;
  /** File name (in the docs folder) -> SVG text. */
  charts: Record<string, string>;
}

const f = (value: number | undefined, digits = 0): string =>
  value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '–';
const pct = (value: number | undefined, digits = 0): string =>
  value !== undefined && Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : '–';
const ratio = (value: number | undefined): string =>
  value !== undefined && Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
/** A signed difference: +1.20 or −0.40. */
const signed = (value: number, digits = 2): string =>
  Number.isFinite(value) ? `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(digits)}` : '–';
const mib = (bytes: number): string => (bytes > 0 ? (bytes / 2 ** 20).toFixed(1) : '–');

function isLimit(r: RoutingResult): boolean {
  return r.spec.kind === 'limit';
}

function byRate(results: RoutingResult[], workload: string): Map<number, RoutingResult[]> {
  const map = new Map<number, RoutingResult[]>();
  for (const r of results.filter((x) => x.workload === workload)) {
    const list = map.get(r.rate) ?? [];
    list.push(r);
    map.set(r.rate, list);
  }
  return new Map([...map.entries()].sort((a, b) => a[0] - b[0]));
}

/** The highest load level of a workload that ran with every contender present. */
function topLevel(results: RoutingResult[], workload: string): RoutingResult[] {
  const levels = [...byRate(results, workload).values()];
  if (levels.length === 0) return [];
  const widest = Math.max(...levels.map((l) => l.length));
  return [...levels].reverse().find((l) => l.length === widest) ?? [];
}

export interface Comparison {
  best?: RoutingResult;
  nginxLeastConn?: RoutingResult;
  roundRobin?: RoutingResult;
  limit?: RoutingResult;
}

/** Best sidecar algorithm = lowest TTFT p90 among sidecar runs without failures. */
export function compare(level: RoutingResult[]): Comparison {
  const sidecars = level.filter((r) => r.spec.kind === 'sidecar' && r.summary.failed === 0);
  const best = [...sidecars].sort((a, b) => a.summary.ttft.p90 - b.summary.ttft.p90)[0];
  const find = (pred: (r: RoutingResult) => boolean) => level.find(pred);
  const result: Comparison = {};
  if (best) result.best = best;
  const lc = find((r) => r.spec.kind === 'nginx' && r.spec.algorithm === 'least-connections');
  if (lc) result.nginxLeastConn = lc;
  const rr = find((r) => r.spec.kind === 'nginx' && r.spec.algorithm === 'round-robin');
  if (rr) result.roundRobin = rr;
  const limit = find(isLimit);
  if (limit) result.limit = limit;
  return result;
}

function routingTable(level: RoutingResult[]): string[] {
  const limit = level.find(isLimit);
  const nginxLc = level.find((r) => r.spec.kind === 'nginx' && r.spec.algorithm === 'least-connections');
  const lines = [
    '| contender | TTFT p50 / p90 / p99 (ms) | TPOT p50 | ITL p50 / p99 | E2EL p90 | req/s | out tok/s | goodput req/s | hit rate | TTFT p90: nginx least_conn ÷ this (>1: lower) | out tok/s: this ÷ nginx least_conn | share of LIMIT: out tok/s / hit rate | per-replica share | proxy CPU ms/req | fails |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of level) {
    const s = r.summary;
    const vsTtft = nginxLc ? nginxLc.summary.ttft.p90 / s.ttft.p90 : undefined;
    const vsOut = nginxLc ? s.outputThroughput / nginxLc.summary.outputThroughput : undefined;
    const shareOut = limit ? s.outputThroughput / limit.summary.outputThroughput : undefined;
    const shareHit = limit && limit.hitRate > 0 ? r.hitRate / limit.hitRate : undefined;
    lines.push(
      `| ${r.contender} | ${f(s.ttft.p50)} / ${f(s.ttft.p90)} / ${f(s.ttft.p99)} | ${f(s.tpot.p50, 1)} | ` +
        `${f(s.itl.p50, 1)} / ${f(s.itl.p99)} | ${f(s.e2el.p90)} | ${f(s.requestThroughput, 2)} | ` +
        `${f(s.outputThroughput)} | ${f(s.goodput, 2)} | ${pct(r.hitRate, 1)} | ${ratio(vsTtft)} | ${ratio(vsOut)} | ` +
        `${pct(shareOut)} / ${pct(shareHit)} | ${r.replicas.map((x) => pct(x.share)).join(' ')} | ` +
        `${f(r.proxyCpuMsPerRequest, 2)} | ${s.failed}${r.cut ? ' (cut)' : ''} |`,
    );
  }
  return lines;
}

function detailTable(level: RoutingResult[]): string[] {
  const d = (x: { mean: number; p50: number; p90: number; p99: number }, digits = 0) =>
    `${f(x.mean, digits)} / ${f(x.p50, digits)} / ${f(x.p90, digits)} / ${f(x.p99, digits)}`;
  const lines = [
    '<details><summary>Every latency figure (mean / p50 / p90 / p99, modelled ms), per-replica hit rates, preemptions</summary>',
    '',
    '| contender | TTFT | TPOT | ITL | E2EL | total tok/s | per-replica hit rate | preemptions |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of level) {
    const s = r.summary;
    lines.push(
      `| ${r.contender} | ${d(s.ttft)} | ${d(s.tpot, 1)} | ${d(s.itl, 1)} | ${d(s.e2el)} | ${f(s.totalTokenThroughput)} | ` +
        `${r.replicas.map((x) => pct(x.hitRate)).join(' ')} | ${r.preemptions} |`,
    );
  }
  lines.push('', '</details>');
  return lines;
}

function sweepTable(results: RoutingResult[], workload: string): string[] {
  const levels = byRate(results, workload);
  const rates = [...levels.keys()];
  const contenders = [...new Set(results.filter((r) => r.workload === workload).map((r) => r.contender))];
  const lines = [
    `| contender | ${rates.map((r) => `${r} req/s: TTFT p90 ms · out tok/s · hit`).join(' | ')} |`,
    `|---|${rates.map(() => '---').join('|')}|`,
  ];
  for (const c of contenders) {
    const cells = rates.map((rate) => {
      const r = levels.get(rate)?.find((x) => x.contender === c);
      return r ? `${f(r.summary.ttft.p90)} · ${f(r.summary.outputThroughput)} · ${pct(r.hitRate)}` : '';
    });
    lines.push(`| ${c} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function sweepSeries(results: RoutingResult[], workload: string, y: (r: RoutingResult) => number): Series[] {
  const contenders = [...new Set(results.filter((r) => r.workload === workload).map((r) => r.contender))];
  return contenders
    .map((c) => {
      const points = results
        .filter((r) => r.workload === workload && r.contender === c)
        .sort((a, b) => a.rate - b.rate)
        .map((r) => ({ x: r.rate, y: y(r) }));
      return { name: c, points, dashed: c.startsWith('LIMIT') || c.startsWith('direct') };
    })
    .filter((s) => s.points.length > 0);
}

function proxyTable(proxy: ProxyCostResult[], concurrencies: number[]): string[] {
  const direct = proxy.find((p) => p.proxy === 'direct');
  const lines = [
    `| | ${concurrencies.map((c) => `${c} concurrent: p50 / p99 ms (added p50 / p99)`).join(' | ')} | SSE event delay p50 / p99 ms (added) | max req/s (one core) | CPU ms per streamed request | RSS idle MiB | RSS, 1,000 open streams MiB |`,
    `|---|${concurrencies.map(() => '---').join('|')}|---|---|---|---|---|`,
  ];
  for (const p of proxy) {
    const lat = concurrencies.map((c) => {
      const d = p.latency[c];
      const base = direct?.latency[c];
      if (!d) return '–';
      const added = base && p.proxy !== 'direct' ? ` (${signed(d.p50 - base.p50)} / ${signed(d.p99 - base.p99)})` : '';
      return `${f(d.p50, 2)} / ${f(d.p99, 2)}${added}`;
    });
    const ev = p.eventDelay;
    const evAdded =
      direct && p.proxy !== 'direct'
        ? ` (${signed(ev.p50 - direct.eventDelay.p50)} / ${signed(ev.p99 - direct.eventDelay.p99)})`
        : '';
    lines.push(
      `| ${p.proxy} | ${lat.join(' | ')} | ${f(ev.p50, 2)} / ${f(ev.p99, 2)}${evAdded} | ${f(p.maxRequestsPerSecond)} | ` +
        `${p.cpuMsPerStream === undefined || p.proxy === 'direct' ? '–' : f(p.cpuMsPerStream, 2)} | ${mib(p.rssIdle)} | ${mib(p.rssWithStreams)}${p.streamsOpen < 1000 && p.proxy !== 'direct' ? ` (${p.streamsOpen} open)` : ''} |`,
    );
  }
  return lines;
}

function proxyRatios(proxy: ProxyCostResult[], concurrencies: number[]): string[] {
  const direct = proxy.find((p) => p.proxy === 'direct');
  const sidecar = proxy.find((p) => p.proxy === 'sidecar');
  if (!direct || !sidecar) return [];
  const lines = [
    `| | ${concurrencies.map((c) => `latency p50 / p99 ÷ direct @${c}`).join(' | ')} | event delay p99 ÷ direct | max req/s ÷ direct | sidecar ÷ this: latency p99 @${concurrencies.join('/')} | sidecar ÷ this: max req/s | sidecar ÷ this: RSS with streams |`,
    `|---|${concurrencies.map(() => '---').join('|')}|---|---|---|---|---|`,
  ];
  for (const p of proxy.filter((x) => x.proxy !== 'direct')) {
    const lat = concurrencies.map((c) => {
      const d = p.latency[c];
      const b = direct.latency[c];
      return d && b ? `${ratio(d.p50 / b.p50)} / ${ratio(d.p99 / b.p99)}` : '–';
    });
    const vs =
      p.proxy === 'sidecar'
        ? ['', '', '']
        : [
            concurrencies
              .map((c) => ratio((sidecar.latency[c]?.p99 ?? Number.NaN) / (p.latency[c]?.p99 ?? Number.NaN)))
              .join(' / '),
            ratio(sidecar.maxRequestsPerSecond / p.maxRequestsPerSecond),
            ratio(sidecar.rssWithStreams / p.rssWithStreams),
          ];
    lines.push(
      `| ${p.proxy} | ${lat.join(' | ')} | ${ratio(p.eventDelay.p99 / direct.eventDelay.p99)} | ` +
        `${ratio(p.maxRequestsPerSecond / direct.maxRequestsPerSecond)} | ${vs.join(' | ')} |`,
    );
  }
  return lines;
}

interface Target {
  name: string;
  goal: string;
  measured: string;
  met: boolean | undefined;
  note: string;
}

function targets(results: BenchResults): Target[] {
  const list: Target[] = [];
  const top = topLevel(results.routing, 'multi-turn');
  const c = compare(top);
  const rate = top[0]?.rate;
  if (c.best && c.nginxLeastConn) {
    const ttftGain = c.nginxLeastConn.summary.ttft.p90 / c.best.summary.ttft.p90;
    const outGain = c.best.summary.outputThroughput / c.nginxLeastConn.summary.outputThroughput;
    list.push({
      name: 'multi-turn TTFT p90',
      goal: '≥ 3× lower than nginx least_conn',
      measured: `${c.best.contender}: ${f(c.best.summary.ttft.p90)} ms vs ${f(c.nginxLeastConn.summary.ttft.p90)} ms = ${ratio(ttftGain)} lower (at ${rate} req/s)`,
      met: ttftGain >= 3,
      note:
        (ttftGain >= 3 ? '' : `missed by ${ratio(3 / ttftGain)}`) +
        (c.limit ? `; the LIMIT reaches ${ratio(c.nginxLeastConn.summary.ttft.p90 / c.limit.summary.ttft.p90)}` : ''),
    });
    list.push({
      name: 'multi-turn output throughput',
      goal: '≥ 1.5× nginx least_conn',
      measured: `${f(c.best.summary.outputThroughput)} vs ${f(c.nginxLeastConn.summary.outputThroughput)} tok/s = ${ratio(outGain)}`,
      met: outGain >= 1.5,
      note:
        (outGain >= 1.5 ? '' : `missed by ${ratio(1.5 / outGain)}`) +
        (c.limit
          ? `; the LIMIT reaches ${ratio(c.limit.summary.outputThroughput / c.nginxLeastConn.summary.outputThroughput)}`
          : ''),
    });
  }
  if (c.best && c.roundRobin) {
    const hitGain = c.best.hitRate / c.roundRobin.hitRate;
    const limitGain = c.limit ? c.limit.hitRate / c.roundRobin.hitRate : undefined;
    list.push({
      name: 'multi-turn prefix-cache hit rate',
      goal: '≥ 3× round robin',
      measured: `${pct(c.best.hitRate, 1)} vs ${pct(c.roundRobin.hitRate, 1)} = ${ratio(hitGain)}; the LIMIT reaches ${c.limit ? pct(c.limit.hitRate, 1) : '–'} = ${ratio(limitGain)}`,
      met: hitGain >= 3,
      note:
        hitGain >= 3
          ? ''
          : `missed by ${ratio(3 / hitGain)}; ${limitGain !== undefined && limitGain < 3 ? 'not reachable on this workload: even the LIMIT is below 3× because round robin already hits the shared system prompt' : ''}`,
    });
  }
  const direct = results.proxy.find((p) => p.proxy === 'direct');
  const sidecar = results.proxy.find((p) => p.proxy === 'sidecar');
  if (direct && sidecar) {
    const added = Object.keys(sidecar.latency).map((k) => {
      const cc = Number(k);
      return { c: cc, v: sidecar.latency[cc]!.p99 - (direct.latency[cc]?.p99 ?? 0) };
    });
    const worst = Math.max(...added.map((a) => a.v));
    list.push({
      name: 'added latency p99',
      goal: '≤ 1 ms per request',
      measured: added.map((a) => `${signed(a.v)} ms @${a.c}`).join(', '),
      met: worst <= 1,
      note: worst <= 1 ? '' : `missed by ${f(worst - 1, 2)} ms`,
    });
    const ev = sidecar.eventDelay.p99 - direct.eventDelay.p99;
    list.push({
      name: 'SSE event forwarding',
      goal: 'each event within 1 ms',
      measured: `added p50 ${signed(sidecar.eventDelay.p50 - direct.eventDelay.p50, 3)} ms, p99 ${signed(ev, 3)} ms`,
      met: ev <= 1,
      note: ev <= 1 ? '' : `p99 missed by ${f(ev - 1, 2)} ms`,
    });
    // The goal is in MB (10^6 bytes): 150 MB is 143.05 MiB.
    const rssMb = sidecar.rssWithStreams / 1e6;
    list.push({
      name: 'memory with 1,000 open streams',
      goal: '< 150 MB',
      measured: `${f(rssMb, 1)} MB = ${f(sidecar.rssWithStreams / 2 ** 20, 1)} MiB RSS (${sidecar.streamsOpen} streams open)`,
      met: rssMb < 150 && sidecar.streamsOpen >= 1000,
      note: rssMb < 150 ? '' : `over by ${f(rssMb - 150, 1)} MB`,
    });
  }
  return list;
}

function reading(results: BenchResults): string[] {
  const out: string[] = [];
  const top = topLevel(results.routing, 'multi-turn');
  const c = compare(top);
  if (c.best && c.nginxLeastConn && c.limit) {
    const b = c.best;
    const n = c.nginxLeastConn;
    const l = c.limit;
    out.push(
      `- **Multi-turn near saturation (${b.rate} req/s offered).** The best sidecar algorithm here, ${b.contender}, ` +
        `has TTFT p90 ${f(b.summary.ttft.p90)} ms against nginx least_conn's ${f(n.summary.ttft.p90)} ms and the LIMIT's ` +
        `${f(l.summary.ttft.p90)} ms; it delivers ${f(b.summary.outputThroughput)} output tok/s ` +
        `(${pct(b.summary.outputThroughput / l.summary.outputThroughput)} of the LIMIT; nginx least_conn ` +
        `${pct(n.summary.outputThroughput / l.summary.outputThroughput)}) with a fleet hit rate of ${pct(b.hitRate, 1)} ` +
        `(${pct(b.hitRate / l.hitRate)} of the LIMIT's ${pct(l.hitRate, 1)}; nginx least_conn ${pct(n.hitRate, 1)}).`,
    );
  }
  const sidecarCpu = top.filter((r) => r.spec.kind === 'sidecar' && r.proxyCpuMsPerRequest !== undefined);
  const nginxCpu = top.filter((r) => r.spec.kind === 'nginx' && r.proxyCpuMsPerRequest !== undefined);
  if (sidecarCpu.length && nginxCpu.length) {
    const avg = (rs: RoutingResult[]) => rs.reduce((s, r) => s + (r.proxyCpuMsPerRequest ?? 0), 0) / rs.length;
    out.push(
      `- **CPU per streamed request** (multi-turn, ${f(top[0]!.summary.outputThroughput / top[0]!.summary.requestThroughput)} ` +
        `tokens each): the sidecar uses ${f(avg(sidecarCpu), 2)} ms, nginx ${f(avg(nginxCpu), 2)} ms. On a machine whose ` +
        'cores are shared with other work the sidecar gets the same CPU share as nginx, so that difference turns into queueing ' +
        'in the sidecar and shows up as TTFT; on an idle machine it is far from the limit.',
    );
  }
  const teamRuns = results.team;
  if (teamRuns.length > 0) {
    const limit = teamRuns.find(isLimit);
    const sorted = teamRuns
      .filter((r) => r.spec.kind === 'sidecar')
      .sort((a, b) => a.summary.ttft.p90 - b.summary.ttft.p90);
    const best = sorted[0];
    const worst = sorted[sorted.length - 1];
    if (best && worst && limit) {
      const byHit = [...sorted].sort((a, b) => b.hitRate - a.hitRate)[0]!;
      const nginx = teamRuns.find((r) => r.spec.kind === 'nginx');
      const named = (id: string) => sorted.find((r) => r.spec.kind === 'sidecar' && r.spec.algorithm === id);
      const qa = named('queue-aware');
      const alone = topLevel(results.routing, 'multi-turn').find(
        (r) => r.spec.kind === 'sidecar' && r.spec.algorithm === 'prefix-aware',
      );
      const pa = named('prefix-aware');
      out.push(
        `- **Team (8 sidecars, one per developer).** Lowest TTFT p90: ${best.contender}, ${f(best.summary.ttft.p90)} ms ` +
          `(${pct(best.summary.outputThroughput / limit.summary.outputThroughput)} of the LIMIT's throughput); highest ` +
          `hit rate: ${byHit.contender}, ${pct(byHit.hitRate, 1)} (LIMIT ${pct(limit.hitRate, 1)}); worst: ` +
          `${worst.contender}, ${f(worst.summary.ttft.p90)} ms` +
          `${nginx ? `; one shared nginx least_conn: ${f(nginx.summary.ttft.p90)} ms` : ''}. ` +
          (qa && pa
            ? `The algorithms meant for this case: queue-aware ${f(qa.summary.ttft.p90)} ms and prefix-aware ` +
              `${f(pa.summary.ttft.p90)} ms (hit rate ${pct(pa.hitRate, 1)}` +
              `${alone ? `, against ${pct(alone.hitRate, 1)} with one sidecar at ${alone.rate} req/s` : ''})` +
              `${nginx ? `; ${heldUp([qa, pa], nginx)} against one shared nginx least_conn` : ''}. ` +
              'Both read engine gauges scraped every 2 s (modelled), longer than one request lives here; between ' +
              'scrapes each sidecar adds its own starts minus finishes scaled by its estimated share of the traffic ' +
              "(about 1/8 here), and prefix-aware yields an overloaded target along the request's own rendezvous order, " +
              'so the eight sidecars do not all move to the replica that looked idlest. Consistent hashing on the ' +
              'session id needs no shared state and keeps its hit rate.'
            : ''),
      );
    }
  }
  return out;
}

/** "both held up", "neither held up" or which one did, by TTFT p90 against the shared nginx. */
function heldUp(runs: RoutingResult[], nginx: RoutingResult): string {
  const ok = runs.filter((r) => r.summary.ttft.p90 <= nginx.summary.ttft.p90);
  if (ok.length === runs.length) return 'both held up (TTFT p90 no worse)';
  if (ok.length === 0) return 'neither held up (TTFT p90 worse)';
  return `only ${ok.map((r) => (r.spec.kind === 'sidecar' ? r.spec.algorithm : r.contender)).join(', ')} held up (TTFT p90 no worse)`;
}

function findings(results: BenchResults): string[] {
  const out: string[] = [];
  const plain = results.proxy.find((p) => p.proxy === 'haproxy-as-exported');
  const tuned = results.proxy.find((p) => p.proxy === 'haproxy');
  if (plain && tuned) {
    out.push(
      '- **HAProxy streams SSE only with `option http-no-delay`,** which `vllm-pools export haproxy` writes: without it' +
        ' HAProxy sends with MSG_MORE and each small SSE event waits in the kernel (an earlier run of this benchmark' +
        ' measured about 100 ms p50 per event). Event delay p50 / p99 as exported:' +
        ` ${f(plain.eventDelay.p50, 2)} / ${f(plain.eventDelay.p99, 2)} ms; with the benchmark's tuning (\`nbthread 1\`,` +
        ` \`maxconn 8192\`, which the routing runs use): ${f(tuned.eventDelay.p50, 2)} / ${f(tuned.eventDelay.p99, 2)} ms.`,
    );
  }
  if (tuned && tuned.rssWithStreams > 0) {
    out.push(
      `- **HAProxy memory:** ${mib(tuned.rssWithStreams)} MiB with 1,000 open streams comes from the export's` +
        ' `tune.bufsize 262144` (room to retry long prompts at layer 7): two 256 KiB buffers per stream. The default' +
        ' 16 KiB buffers would hold the same streams in a few tens of MiB but cannot retry a long chat prompt.',
    );
  }
  out.push(
    '- **Session hashing at the gateways needs a header clients do not send.** The benchmark sends `x-session-id` on' +
      ' every request so that nginx `hash` and HAProxy `balance hdr()` can keep a conversation together; IDE tools' +
      ' (Continue, Cline, Copilot) do not send one, and the exported nginx map then falls back to the client address' +
      " (every session of a developer on one replica). The sidecar's prefix-aware algorithm hashes the prompt itself.",
    `- **Bench profile and the prefix index:** replicas have ${results.plan.kvBlocks * results.plan.blockSize} tokens of KV` +
      ' cache here and publish it in `vllm:cache_config_info` (num_gpu_blocks × block_size), as vLLM does; the' +
      " sidecar's prefix-aware index believes as many tokens per replica as that capacity times this sidecar's share" +
      " of the replica's prompt work, so it forgets prefixes about when the engine evicts them, other sidecars'" +
      ' traffic included.',
  );
  return out;
}

export function renderReport(results: BenchResults, docsDir: string): Report {
  const { plan, machine } = results;
  const charts: Record<string, string> = {};
  const md: string[] = [];
  md.push(
    '# Benchmarks',
    '',
    `Generated by \`${results.command}\` (\`npm run bench\`) on ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC in ` +
      `${f(results.wallSeconds / 60, 1)} minutes; parts: ${results.parts.join(', ')}. Do not edit by hand: rerun the command.`,
    ...(results.reruns ?? []).map(
      (run) =>
        `\nMeasured again, replacing those parts: ${run.parts.join(', ')} by \`${run.command}\` on ` +
        `${run.startedAt.slice(0, 16).replace('T', ' ')} UTC in ${f(run.wallSeconds / 60, 1)} minutes (load average at ` +
        `its start ${run.loadAverage.map((l) => l.toFixed(2)).join(', ')}).`,
    ),
    '',
    '## Machine',
    '',
    `- ${machine.cores} cores (\`nproc\`), ${machine.cpuModel}, ${f(machine.memoryGiB, 1)} GiB, Node ${machine.node}.`,
    `- Load average at the start: ${machine.loadAverage.map((l) => l.toFixed(2)).join(', ')}; at the end: ` +
      `${results.machineAtEnd.loadAverage.map((l) => l.toFixed(2)).join(', ')}.`,
  );
  if (machine.busy || results.machineAtEnd.busy) {
    md.push(
      '',
      `> **Warning: the machine was busy** (load average above its ${machine.cores} cores) during this run. Every process` +
        ' here (replicas, proxies, load generator) competed with other work for CPU, so latencies are inflated and the' +
        ' proxies that need more CPU per request (the Node.js sidecar more than nginx) are penalised most. Rerun on an' +
        ' idle machine before quoting absolute figures.',
    );
  }
  const kvTokens = plan.kvBlocks * plan.blockSize;
  md.push(
    '',
    '## Method',
    '',
    `- **Fleet:** ${plan.replicas} simulated vLLM replicas (\`sim/\`) in one worker process, profile \`h100-llama-8b\`` +
      ` (Llama-3.1-8B on an H100: step-time coefficients, 256 sequences, 8,192-token step budget) with the KV cache cut` +
      ` to ${plan.kvBlocks} blocks (${kvTokens.toLocaleString('en-US')} tokens per replica instead of 403,696). The bench` +
      ' profile keeps every other coefficient: a workload whose working set exceeds one real H100 cache would need' +
      ' prompts of 100k+ tokens and hours of modelled time, which this 2-core machine cannot drive. The point of the' +
      ' sizing is the ratio working set : one cache : fleet cache, which the smaller cache keeps.',
    `- **Time scale ${plan.timeScale}:** every modelled delay runs at ${plan.timeScale}× real time; all latencies and` +
      ' throughputs below are in modelled time (real ÷ scale). Proxy overheads (sub-millisecond) are small next to' +
      ' modelled step times (6.5 ms and up), so the compression does not change who wins; it does double any real' +
      ' queueing delay inside a proxy.',
    '- **Load generator** (like `vllm bench serve`): Poisson arrivals at the offered rate (gamma, burstiness 1,' +
      ' renormalised to count/rate), fixed seed, a readiness check and 2 warm-up requests per contender (not counted).' +
      ' A session sends its next turn only after the previous answer ended (an arrival picks a random idle session), so' +
      ' a slow contender also lowers the achieved rate, as users waiting on answers would. Per request: TTFT (first' +
      ' content chunk), every inter-chunk gap (ITL), E2EL, output tokens (usage chunk), status; TPOT = (E2EL − TTFT) /' +
      ` (tokens − 1). Goodput counts requests with TTFT ≤ ${plan.slo.ttftMs} ms and TPOT ≤ ${plan.slo.tpotMs} ms.` +
      ' Every request sends `x-session-id` (its session or prefix group), which nginx/HAProxy hashing and the' +
      " sidecar's consistent-hash use.",
    "- **Cache and share:** each replica's `/metrics` is scraped before and after a run; hit rate =" +
      ' Δ`vllm:prefix_cache_hits_total` / Δ`vllm:prefix_cache_queries_total` (fleet: sums); per-replica share from' +
      ' Δ`vllm:request_success_total`.',
    '- **Contenders, same fleet, same run:** the sidecar (`vllm-pools serve`, its own process) with each algorithm;' +
      ' nginx and HAProxy (Debian packages, one worker process / one thread) running the config `vllm-pools export`' +
      ' writes for the same fleet (streaming-safe: no buffering, HTTP/1.1 keep-alive upstream) with round robin,' +
      ' least_conn and `hash $http_x_session_id consistent` (nginx), roundrobin and leastconn (HAProxy); direct to one' +
      " replica; and the **LIMIT**, a reference router told each session's identity that pins sessions to replicas in" +
      ' balanced order (the load generator routes it itself, so it also has no proxy cost). Every replica is restarted' +
      ' between runs (cold prefix cache, fresh metrics).',
    `- **Sidecar settings:** engine metrics scraped every ${f(2000 * plan.timeScale)} ms real (the default 2 s in modelled` +
      ` time), health checks every ${f(5000 * plan.timeScale)} ms real; everything else default.`,
    '- **Proxy cost:** against a trivial backend (a worker process answering at once) so the proxy is what is measured;' +
      ' direct-to-backend runs in the same process run are the baseline. Latency: small non-streaming requests over' +
      ' keep-alive on 16 and 64 concurrent connections, ' +
      (plan.proxy.pacedRate === 0
        ? 'each a closed loop (on this 2-core machine that measures CPU queueing as much as the proxy)'
        : `paced to ${(plan.proxy.pacedRate ?? 1000).toLocaleString('en-US')} requests/s in all (a closed loop would measure CPU queueing on this 2-core machine rather than the proxy)`) +
      '; all proxies take turns in 4 rounds. Event delay: backend write time stamped into each SSE event, read time at the' +
      ' client (same machine clock). Max req/s: 64 concurrent closed loop for a few seconds; each proxy has one core' +
      ' (nginx `worker_processes 1`, HAProxy `nbthread 1`, Node is single-threaded) but the load generator and backend' +
      ' share the machine, so on 2 cores it is a lower bound. RSS from /proc (nginx: master + worker); the sidecar starts with the Node flags the extension gives it (`--max-semi-space-size=4`, `core/sidecarNodeFlags.ts`).',
    '',
    '## Workloads and sizing',
    '',
    "| workload | built as | working set (tokens) | ÷ one replica's KV | ÷ fleet KV | in the regime where routing matters |",
    '|---|---|---|---|---|---|',
  );
  for (const name of WORKLOAD_NAMES) {
    const { workload } = plan.workloads[name];
    const s = sizing(workload, kvTokens, plan.replicas);
    md.push(
      `| ${name} | ${workload.description} | ${s.workingSetTokens.toLocaleString('en-US')} | ${f(s.overReplica, 2)} | ${f(s.overFleet, 2)} | ${name === 'random' ? 'no (no shared prefixes: a pure load-balancing test)' : s.inRegime ? 'yes' : 'no'} |`,
    );
  }

  // Routing results.
  const targetList = targets(results);
  const mt = results.routing.filter((r) => r.workload === 'multi-turn');
  if (mt.length > 0) {
    const top = topLevel(results.routing, 'multi-turn');
    md.push(
      '',
      `## Multi-turn chat near saturation (${top[0]?.rate} req/s offered)`,
      '',
      ...routingTable(top),
      '',
      ...detailTable(top),
    );
    md.push('', '### Load sweep', '', ...sweepTable(results.routing, 'multi-turn'));
    const ttftChart = lineChart({
      title: 'Multi-turn: TTFT p90 against offered load',
      xLabel: 'offered load (requests/s, modelled)',
      yLabel: 'TTFT p90 (ms)',
      series: sweepSeries(results.routing, 'multi-turn', (r) => r.summary.ttft.p90),
      logY: true,
    });
    const tputChart = lineChart({
      title: 'Multi-turn: output throughput against offered load',
      xLabel: 'offered load (requests/s, modelled)',
      yLabel: 'output tokens/s',
      series: sweepSeries(results.routing, 'multi-turn', (r) => r.summary.outputThroughput),
    });
    const hitChart = barChart({
      title: `Multi-turn at ${top[0]?.rate} req/s: fleet prefix-cache hit rate`,
      yLabel: "Δhits / Δqueries from the replicas' /metrics",
      bars: top.map((r) => ({ label: r.contender, value: r.hitRate * 100, highlight: isLimit(r) })),
      format: (v) => `${v.toFixed(1)}%`,
    });
    charts['bench-multi-turn-ttft-p90.svg'] = ttftChart;
    charts['bench-multi-turn-throughput.svg'] = tputChart;
    charts['bench-multi-turn-hit-rate.svg'] = hitChart;
    md.push(
      '',
      `![TTFT p90 against load](${docsDir}/bench-multi-turn-ttft-p90.svg)`,
      '',
      `![Output throughput against load](${docsDir}/bench-multi-turn-throughput.svg)`,
      '',
      `![Prefix-cache hit rate](${docsDir}/bench-multi-turn-hit-rate.svg)`,
    );
  }
  for (const name of ['prefix-repetition', 'random'] as const) {
    const level = topLevel(results.routing, name);
    if (level.length === 0) continue;
    md.push('', `## ${name} (${level[0]?.rate} req/s offered)`, '', ...routingTable(level), '', ...detailTable(level));
  }
  if (results.team.length > 0) {
    md.push(
      '',
      `## Team: ${plan.team.developers} developers, one sidecar each, the same ${plan.replicas} replicas (${plan.team.rate} req/s offered in total)`,
      '',
      `The multi-turn workload again; session i belongs to developer i mod ${plan.team.developers} and goes through that` +
        ' developer\'s own sidecar (8 `serve` processes). "one shared nginx" is the alternative a team would deploy.' +
        ` This part runs at time scale ${plan.team.timeScale} (its own fleet): all eight sidecars share this machine's` +
        ' cores with the replicas, which in use they would not, and their background work (health checks, /metrics' +
        ' scrapes of every replica) is counted in their CPU per request.',
      '',
      ...routingTable(results.team),
      '',
      ...detailTable(results.team),
    );
    charts['bench-team-ttft-p90.svg'] = barChart({
      title: `Team of ${plan.team.developers}: TTFT p90 (ms), lower is better`,
      yLabel: 'TTFT p90, modelled ms',
      bars: results.team.map((r) => ({ label: r.contender, value: r.summary.ttft.p90, highlight: isLimit(r) })),
      format: (v) => v.toFixed(0),
    });
    md.push('', `![Team TTFT p90](${docsDir}/bench-team-ttft-p90.svg)`);
  }
  md.push(...renderAgentic(results.agentic ?? [], results.agenticPlan));
  md.push(...renderModelled(results.modelled ?? []));
  md.push(...renderFairness(results.fairness));
  if (results.proxy.length > 0) {
    md.push(
      '',
      '## Proxy cost',
      '',
      ...proxyTable(results.proxy, plan.proxy.concurrencies),
      '',
      'Ratios against the direct baseline of the same run, and the sidecar against each gateway (below 1× the sidecar is faster or smaller):',
      '',
      ...proxyRatios(results.proxy, plan.proxy.concurrencies),
      ...renderProxyTargets(results.proxy),
    );
  }
  if (targetList.length > 0) {
    md.push('', '## Targets (issue 11)', '', '| target | goal | measured | met |', '|---|---|---|---|');
    for (const t of targetList) {
      md.push(
        `| ${t.name} | ${t.goal} | ${t.measured} | ${t.met ? `yes${t.note ? ` (${t.note.replace(/^; /, '')})` : ''}` : `**no**${t.note ? `: ${t.note}` : ''}`} |`,
      );
    }
  }
  const notes = findings(results);
  if (notes.length > 0) md.push('', '## Notes', '', ...notes);
  const words = reading(results);
  if (words.length > 0) md.push('', '## Reading', '', ...words);
  md.push('');
  return { markdown: md.join('\n'), charts };
}
