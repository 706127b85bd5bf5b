// Issue 19's proxy-cost targets, each against nginx in the same run, with the floor a Node.js proxy cannot go below
// on this machine (node-minimal: Node's HTTP server and client, no work of its own) beside the sidecar's figure.
import type { ProxyCostResult } from './proxyCost';

interface Row {
  target: string;
  goal: string;
  sidecar: number;
  floor: number | undefined;
  met: boolean;
  unit: string;
}

const fixed = (value: number | undefined, digits: number) => (value === undefined ? '–' : value.toFixed(digits));

export function renderProxyTargets(proxy: readonly ProxyCostResult[]): string[] {
  const by = (name: string) => proxy.find((p) => p.proxy === name);
  const direct = by('direct');
  const sidecar = by('sidecar');
  const nginx = by('nginx');
  const floor = by('node-minimal');
  if (!direct || !sidecar || !nginx) return [];
  const added = (p: ProxyCostResult | undefined, c: number) => {
    const here = p?.latency[c]?.p50;
    const base = direct.latency[c]?.p50;
    return here === undefined || base === undefined ? undefined : here - base;
  };
  const rows: Row[] = [];
  const rate = (p: ProxyCostResult | undefined) =>
    p === undefined ? undefined : p.maxRequestsPerSecond / nginx.maxRequestsPerSecond;
  rows.push({
    target: 'max req/s at 64 connections',
    goal: '≥ 0.8× nginx',
    sidecar: rate(sidecar)!,
    floor: rate(floor),
    met: rate(sidecar)! >= 0.8,
    unit: '× nginx',
  });
  const at16 = added(sidecar, 16);
  const nginx16 = added(nginx, 16);
  if (at16 !== undefined && nginx16 !== undefined) {
    const over = (p: ProxyCostResult | undefined) => {
      const a = added(p, 16);
      return a === undefined ? undefined : a - nginx16;
    };
    rows.push({
      target: 'added p50 at 16 connections',
      goal: '≤ nginx’s + 0.5 ms',
      sidecar: over(sidecar)!,
      floor: over(floor),
      met: at16 <= nginx16 + 0.5,
      unit: 'ms over nginx’s',
    });
  }
  const cpu = (p: ProxyCostResult | undefined) =>
    p?.cpuMsPerStream === undefined || !nginx.cpuMsPerStream ? undefined : p.cpuMsPerStream / nginx.cpuMsPerStream;
  const cpuRatio = cpu(sidecar);
  if (cpuRatio !== undefined) {
    rows.push({
      target: 'CPU per streamed request',
      goal: '≤ 2× nginx',
      sidecar: cpuRatio,
      floor: cpu(floor),
      met: cpuRatio <= 2,
      unit: '× nginx',
    });
  }
  const at1 = added(sidecar, 1);
  if (at1 !== undefined) {
    rows.push({
      target: 'added p50 at concurrency 1',
      goal: '≤ 0.1 ms',
      sidecar: at1,
      floor: added(floor, 1),
      met: at1 <= 0.1,
      unit: `ms (nginx adds ${fixed(added(nginx, 1), 2)})`,
    });
  }
  const mb = sidecar.rssWithStreams / 1e6;
  rows.push({
    target: 'RSS with 1,000 open streams',
    goal: '< 150 MB',
    sidecar: mb,
    floor: floor ? floor.rssWithStreams / 1e6 : undefined,
    met: mb < 150 && sidecar.streamsOpen >= 1000,
    unit: 'MB',
  });
  return [
    '',
    '## Proxy targets (issue 19)',
    '',
    'Each against nginx in the same run. node-minimal is the least a Node.js proxy does (`bench/nodeProxyWorker.ts`: node:http server and keep-alive client, bodies piped, nothing parsed, no routing or stats): the part of a miss that is also there is the cost of Node’s HTTP stack on one thread, not of the sidecar’s request path.',
    '',
    '| target | goal | sidecar | node-minimal | met |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.target} | ${r.goal} | ${fixed(r.sidecar, 2)} ${r.unit} | ${fixed(r.floor, 2)} | ${r.met ? 'yes' : '**no**'} |`,
    ),
  ];
}
